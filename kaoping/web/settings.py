"""Django settings for the Kaoping web application, read from the environment.

Every value that differs between a laptop and a bureau's intranet server comes from an
environment variable (healthchecks style), so the same code runs everywhere:

- ``SECRET_KEY``: a development default is used when unset; ``check --deploy`` flags it.
- ``DEBUG``: "1" (default, for ``make run``) or "0".
- ``ALLOWED_HOSTS``: comma-separated, default ``127.0.0.1,localhost``.
- ``DATABASE_URL``: ``sqlite:///path`` or ``postgres://user:pass@host:port/name``; default
  SQLite at ``var/kaoping.sqlite3`` under the repository.
- ``KAOPING_PRODUCTION``: "1" turns on the production security settings (HTTPS-only
  cookies, HSTS, redirect to HTTPS, DEBUG off) and refuses the development SECRET_KEY;
  see docs/security.md and docs/operations.md.
- ``KAOPING_LOG_KEY``: the key of the evaluation log's HMAC chain (default SECRET_KEY).
- ``KAOPING_KEYS_DIR``, ``KAOPING_CHECKPOINT_DIR``: the signing key and the log's signed
  checkpoints, outside the database (default ``var/keys``, ``var/checkpoints``).
- ``KAOPING_SESSION_MINUTES``: idle session timeout (default 30).
- ``EMAIL_HOST`` (``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``,
  ``EMAIL_USE_TLS``/``EMAIL_USE_SSL``, ``DEFAULT_FROM_EMAIL``): the SMTP server for reminders;
  unset, reminders are shown in the application only.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
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
DEVELOPMENT_SECRET_KEY = "django-insecure-kaoping-development-key"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
PRODUCTION = env_bool("KAOPING_PRODUCTION", False)
if PRODUCTION and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("KAOPING_PRODUCTION=1 needs a SECRET_KEY of your own")
DEBUG = env_bool("DEBUG", not PRODUCTION)
# The evaluation log's chain is keyed separately, so rotating SECRET_KEY (sessions, tokens)
# never invalidates years of log entries. Changing this key makes the whole chain unverifiable.
KAOPING_LOG_KEY = os.environ.get("KAOPING_LOG_KEY", SECRET_KEY)
# Outside the database (docs/security.md): the Ed25519 signing key of checkpoints and
# archive manifests, the signed checkpoints of the log, and further trusted public keys.
KAOPING_KEYS_DIR = Path(os.environ.get("KAOPING_KEYS_DIR", VAR_DIR / "keys"))
KAOPING_CHECKPOINT_DIR = Path(os.environ.get("KAOPING_CHECKPOINT_DIR", VAR_DIR / "checkpoints"))
KAOPING_TRUSTED_KEYS = [p for p in os.environ.get("KAOPING_TRUSTED_KEYS", "").split(",") if p]
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Durable background tasks: the backport of Django 6's django.tasks, with its database
    # backend (docs/operations.md says why this and not Celery).
    "django_tasks",
    "django_tasks_db",
    "kaoping.web",
    "kaoping.web.jobs",
    "kaoping.web.accounts",
    "kaoping.web.units",
    "kaoping.web.audit",
    "kaoping.web.rounds",
    "kaoping.web.planning",
    "kaoping.web.schemes",
    "kaoping.web.submissions",
    "kaoping.web.experts",
    "kaoping.web.letters",
    "kaoping.web.adjustments",
    "kaoping.web.results",
    "kaoping.web.awards",
    "kaoping.web.workflow",
    "kaoping.web.disputes",
    "kaoping.web.api",
]

MIDDLEWARE = [
    "kaoping.web.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kaoping.web.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kaoping.web.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "kaoping.web.middleware.InputBoundaryMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kaoping.web.middleware.CurrentUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kaoping.web.middleware.LoginLockoutMiddleware",
    "kaoping.web.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if not DEBUG:
    # Static files (after collectstatic) from the WSGI application itself: gunicorn serves
    # none, and a bureau's proxy need not be configured for them (docs/operations.md).
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

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
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Many units saving in the same minute: WAL lets readers run beside the one writer,
    # IMMEDIATE takes the write lock at the start of a transaction (no deadlock-prone lock
    # upgrades), and a writer waits up to 30 s for its turn instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Tasks are rows of this database, run by `manage.py run_worker` (kaoping.web.jobs).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A worker beats every few seconds; one not seen for KAOPING_WORKER_STALE_SECONDS is taken for
# dead and its task is run again (docs/operations.md).
KAOPING_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("KAOPING_WORKER_HEARTBEAT_SECONDS", "5"))
KAOPING_WORKER_STALE_SECONDS = float(os.environ.get("KAOPING_WORKER_STALE_SECONDS", "30"))

# Django's default hashers, and the one for random initial passwords of imported accounts
# (kaoping.web.accounts.imports explains why they need no key stretching).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "kaoping.web.accounts.imports.InitialPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Issue 11: three character classes, never the user name, never the demo's password.
    {"NAME": "kaoping.web.accounts.passwords.ComplexityValidator"},
    {"NAME": "kaoping.web.accounts.passwords.NotUserNameValidator"},
    {"NAME": "kaoping.web.accounts.passwords.PublishedPasswordValidator"},
]
# Days after which a password must be changed at the next login; 0 (default) never.
KAOPING_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("KAOPING_PASSWORD_MAX_AGE_DAYS", "0"))
# Django's model backend, refusing every password while a user name is locked out.
AUTHENTICATION_BACKENDS = ["kaoping.web.accounts.security.LockoutBackend"]
KAOPING_LOCKOUT_FAILURES = int(os.environ.get("KAOPING_LOCKOUT_FAILURES", "5"))
KAOPING_LOCKOUT_MINUTES = int(os.environ.get("KAOPING_LOCKOUT_MINUTES", "15"))
# Issue 11: also per account from any address, and per address for any account.
KAOPING_LOCKOUT_ACCOUNT_FAILURES = int(os.environ.get("KAOPING_LOCKOUT_ACCOUNT_FAILURES", "10"))
KAOPING_LOCKOUT_ADDRESS_FAILURES = int(os.environ.get("KAOPING_LOCKOUT_ADDRESS_FAILURES", "20"))
# API tokens expire after this many days (0: never, not recommended).
KAOPING_TOKEN_DAYS = int(os.environ.get("KAOPING_TOKEN_DAYS", "90"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first; English switchable through the set_language view.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# One catalogue per language for the whole project, shared with the pure layers (which read
# the same compiled files through Python's gettext: kaoping.scoring.i18n). `make messages`.
LOCALE_PATHS = [WEB_DIR.parent / "locale"]
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
# Checked per file by kaoping.web.submissions.uploads (with the XLSX decompression limits).
KAOPING_MAX_UPLOAD_BYTES = int(os.environ.get("KAOPING_MAX_UPLOAD_MB", "20")) * 1024 * 1024
KAOPING_MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
KAOPING_MAX_XLSX_RATIO = 100

# Idle timeout: every request renews the session; after this many idle minutes it ends.
SESSION_COOKIE_AGE = int(os.environ.get("KAOPING_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    # Served over HTTPS only (directly or behind a reverse proxy that sets X-Forwarded-Proto).
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True
    SECURE_SSL_REDIRECT = env_bool("KAOPING_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("KAOPING_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
    if env_bool("KAOPING_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [
        o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
    ]

# Logs: every 500, refused login and job failure goes to stderr (and KAOPING_LOG_FILE when
# set), each line with the request id and the user (kaoping.web.logs); never secrets.
KAOPING_LOG_FILE = os.environ.get("KAOPING_LOG_FILE", "")
KAOPING_SYSLOG = os.environ.get("KAOPING_SYSLOG", "")  # e.g. /dev/log: checkpoints to syslog too
_LOG_HANDLERS = {
    "stderr": {
        "class": "kaoping.web.logs.StderrHandler",
        "filters": ["context"],
        "formatter": "line",
    },
}
if KAOPING_LOG_FILE:
    _LOG_HANDLERS["file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": KAOPING_LOG_FILE,
        "filters": ["context"],
        "formatter": "line",
        "encoding": "utf-8",
    }
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "kaoping.web.logs.RequestContextFilter"}},
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s user=%(user)s] "
            "%(message)s"
        }
    },
    "handlers": _LOG_HANDLERS,
    "root": {"handlers": list(_LOG_HANDLERS), "level": os.environ.get("KAOPING_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request errors (every 500, with its traceback) and warnings (4xx).
        "django": {"handlers": list(_LOG_HANDLERS), "level": "INFO", "propagate": False},
        "django.server": {"level": "WARNING"},
        # One line per log entry: only to syslog, when KAOPING_SYSLOG is set (below).
        "kaoping.checkpoint": {"handlers": [], "level": "INFO", "propagate": False},
    },
}
if KAOPING_SYSLOG:
    LOGGING["handlers"]["syslog"] = {
        "class": "logging.handlers.SysLogHandler",
        "address": KAOPING_SYSLOG,
        "formatter": "line",
        "filters": ["context"],
    }
    LOGGING["loggers"]["kaoping.checkpoint"] = {
        "handlers": ["syslog"],
        "level": "INFO",
        "propagate": False,
    }

# The issuing body printed on report covers and certificates, e.g. "北京市财政局 北京市人力资源和社会保障局".
KAOPING_REPORT_ISSUER = os.environ.get("KAOPING_REPORT_ISSUER", "")

# E-mail reminders (an intranet mail server is common): off unless EMAIL_HOST is set; the
# reminders are always shown in the application too.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kaoping@localhost")
