"""User text in the pure layers: Python's :mod:`gettext` over the project's catalogues.

The web application translates with Django's gettext; the scoring core, the tables, the
reports and the command line cannot import Django, so they read the *same* compiled
catalogues (``kaoping/locale/<language>/LC_MESSAGES/django.mo``) through the standard
library. One catalogue per language for the whole project, extracted by ``make messages``;
message ids are English, as in Django, and every id has a Chinese and an English entry
(``tests/test_catalogues.py`` fails otherwise).

Functions take the language explicitly (``"zh"`` or ``"en"``; Django's ``"zh-hans"`` is
accepted) because the pure layers have no request to read it from. Mark strings with the
names ``xgettext`` already knows (``gettext``, ``pgettext``, ``ngettext``, ``gettext_noop``)
so ``make messages`` finds them.

Examples
--------
>>> gettext("system administrator", "zh")
'系统管理员'
>>> gettext("system administrator", "en")
'system administrator'
"""

from __future__ import annotations

import functools
import gettext as _gettext
import os
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DEFAULT_LANGUAGE = "zh"
LANGUAGES = ("zh", "en")
# The catalogue directory of each language, named as Django names them.
_CATALOGUE_DIRS = {"zh": "zh_Hans", "en": "en"}


def normalise_language(lang: str | None) -> str:
    """Map any language tag to ``"zh"`` or ``"en"`` (Chinese unless it says English).

    Examples
    --------
    >>> normalise_language("en-us"), normalise_language("zh-hans"), normalise_language(None)
    ('en', 'zh', 'zh')
    """
    return "en" if lang and lang.lower().startswith("en") else DEFAULT_LANGUAGE


def language_from_environment(explicit: str | None = None) -> str:
    """Choose ``zh`` or ``en``: an explicit choice wins, then an English ``LANG``.

    Examples
    --------
    >>> language_from_environment("en")
    'en'
    """
    if explicit:
        return normalise_language(explicit)
    for var in ("KAOPING_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return normalise_language(value)
    return DEFAULT_LANGUAGE


@functools.cache
def translation(lang: str | None) -> _gettext.NullTranslations:
    """The compiled catalogue of a language (cached; a missing file reads as identity)."""
    directory = _CATALOGUE_DIRS[normalise_language(lang)]
    return _gettext.translation("django", LOCALE_DIR, languages=[directory], fallback=True)


def gettext(message: str, lang: str | None) -> str:
    """Translate ``message`` (an English message id) into ``lang``."""
    return translation(lang).gettext(message)


def pgettext(context: str, message: str, lang: str | None) -> str:
    """Translate ``message`` in ``context`` (for ids that read differently in two places)."""
    return translation(lang).pgettext(context, message)


def gettext_pair(message: str, **values: Any) -> tuple[str, str]:
    """``message`` in Chinese and in English, each formatted with ``values``.

    For text kept as data and shown later in either language (the reason inside a problem).
    Mark the id where it is written, ``gettext_pair(gettext_noop("..."), key=key)``, so that
    ``make messages`` finds it.

    Examples
    --------
    >>> gettext_pair(gettext_noop("system administrator"))
    ('系统管理员', 'system administrator')
    """
    return gettext(message, "zh").format(**values), gettext(message, "en").format(**values)


def ngettext(singular: str, plural: str, n: int, lang: str | None) -> str:
    """Translate a message whose form depends on the count ``n``."""
    return translation(lang).ngettext(singular, plural, n)


def gettext_noop(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (tables of messages)."""
    return message


class LazyText(str):
    """An English message id translated only when shown (what :func:`gettext_lazy` gives).

    For text decided where no language is known yet, such as the ``expected`` of a
    :class:`~kaoping.scoring.errors.Problem`, which is rendered later in the user's language.
    As a plain string it is the English id.

    Examples
    --------
    >>> text = gettext_lazy("system administrator")
    >>> text.text("zh"), str(text)
    ('系统管理员', 'system administrator')
    """

    __slots__ = ()

    def text(self, lang: str | None) -> str:
        """The text in ``lang``."""
        return gettext(str(self), lang)


def gettext_lazy(message: str) -> LazyText:
    """Mark ``message`` for extraction and translate it when it is shown (see LazyText)."""
    return LazyText(message)
