"""Django settings for the Kaoping web application, read from the environment.

Every value that differs between a laptop and a bureau's intranet server comes from an
environment variable (healthchecks style), so the same code runs everywhere:

- ``SECRET_KEY``: a development default is used when unset; ``check --deploy`` flags it.
- ``DEBUG``: "1" (default, for ``make run``) or "0".
- ``ALLOWED_HOSTS``: comma-separated, default ``127.0.0.1,localhost``.
- ``DATABASE_URL``: ``sqlite:///path`` or ``postgres://user:pass@host:port/name``; default
  SQLite at ``var/kaoping.sqlite3`` under the repository.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.utils.translation import gettext_lazy as _

WEB_DIR = Path(__file__).resolve().parent
BASE_DIR = WEB_DIR.parent.parent
VAR_DIR = Path(os.environ.get("KAOPING_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def database_from_url(url: str) -> dict:
    """A DATABASES entry from ``sqlite:///path`` or ``postgres://user:pass@host:port/name``.

    Examples
    --------
    >>> database_from_url("postgres://kp:s%40cret@db:5433/kaoping")["PASSWORD"]
    's@cret'
    >>> database_from_url("sqlite:////tmp/x.sqlite3")["NAME"]
    '/tmp/x.sqlite3'
    """
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:////abs/path is absolute, sqlite:///rel/path relative (as dj-database-url).
        path = unquote(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else ""
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path or ":memory:"}
    if parsed.scheme in ("postgres", "postgresql", "pgsql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
        }
    raise ValueError(f"DATABASE_URL: unsupported scheme {parsed.scheme!r} (use sqlite or postgres)")


# A fixed development key keeps sessions valid across restarts of `make run`; production sets
# SECRET_KEY, and `manage.py check --deploy` warns about this one (it is short and insecure).
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-kaoping-development-key")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "kaoping.web",
    "kaoping.web.accounts",
    "kaoping.web.units",
    "kaoping.web.audit",
    "kaoping.web.rounds",
    "kaoping.web.submissions",
    "kaoping.web.experts",
    "kaoping.web.results",
    "kaoping.web.disputes",
    "kaoping.web.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kaoping.web.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kaoping.web.urls"
WSGI_APPLICATION = "kaoping.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaoping.web.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kaoping.sqlite3'}")
    )
}
if (
    DATABASES["default"]["ENGINE"].endswith("sqlite3")
    and DATABASES["default"]["NAME"] != ":memory:"
):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first; English switchable through the set_language view.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [WEB_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("KAOPING_MEDIA_ROOT", VAR_DIR / "media"))
# Uploads are base-data tables and supporting documents; 20 MB covers a 3,000-unit table.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
