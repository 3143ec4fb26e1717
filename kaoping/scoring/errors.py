"""Problems found in schemes, base data and evaluations, and the errors that carry them.

Every rule that rejects input raises or reports a :class:`Problem`: a message code (its text
in :mod:`kaoping.scoring.messages`) plus the place (file, row as the user sees it, column
header) and the offending value. The text is rendered late, in the user's language, so the
command line (``--lang``) and the web application (Django's active language) show the same
message for the same rule.

Examples
--------
>>> problem = Problem("data.below_min", file="a.csv", row=3, column="支出", value=-1,
...                   expected=">= 0")
>>> problem.render("zh")
'文件 a.csv 第 3 行 “支出”列：值 -1 小于下限，应为>= 0'
>>> problem.render("en")
'file a.csv, row 3, column “支出”: -1 is below the minimum, expected >= 0'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from kaoping.scoring.i18n import DEFAULT_LANGUAGE, gettext, pgettext
from kaoping.scoring.messages import message_text

__all__ = [
    "Bilingual",
    "DataError",
    "KaopingError",
    "Listing",
    "Localisable",
    "Problem",
    "SchemeError",
    "Text",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scheme, a table or an evaluation, and where it is.

    Parameters
    ----------
    code : str
        Key in :data:`kaoping.scoring.messages.CATALOGUE`.
    file : str, optional
        File name as the user knows it.
    row : int, optional
        Row number as the user sees it in the spreadsheet (header is row 1).
    column : str, optional
        Column header as written in the file, or the scheme item at fault (a
        :class:`~kaoping.scoring.i18n.LazyText` when it is a name the code gives).
    value : object, optional
        The offending value.
    expected : str, optional
        What would have been accepted: language-neutral, or text translated when shown
        (a :class:`~kaoping.scoring.i18n.LazyText`, a :class:`Listing`).
    params : mapping
        Further values for the message template; text among them is translated when shown
        like ``expected`` (a nested :class:`Problem` shows its message).
    severity : {"error", "warning"}
    """

    code: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    expected: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    severity: str = "error"

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message alone, without its place."""
        template = message_text(self.code, lang)
        values = {k: _localise(v, lang) for k, v in self.params.items()}
        values.setdefault("value", _show(self.value))
        values.setdefault("expected", _localise(self.expected, lang))
        try:
            return template.format(**values)
        except (KeyError, IndexError):
            return template

    def place(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Where the problem is: file, row and column, in the user's language."""
        parts = []
        if self.file:
            parts.append(gettext("file {file}", lang).format(file=self.file))
        if self.row is not None:
            parts.append(gettext("row {row}", lang).format(row=self.row))
        if self.column:
            column = (
                pgettext("a column after its row", "column “{column}”", lang)
                if self.row is not None
                else gettext("column “{column}”", lang)
            )
            parts.append(column.format(column=_localise(self.column, lang)))
        return pgettext("between the parts of a place", ", ", lang).join(parts)

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Place and message in one line, as shown to users."""
        place = self.place(lang)
        if not place:
            return self.text(lang)
        return gettext("{place}: {message}", lang).format(place=place, message=self.text(lang))

    def as_dict(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "row": self.row,
            "column": _localise(self.column, lang),
            "value": _json_safe(self.value),
            "message": self.render(lang),
        }


class KaopingError(Exception):
    """Input that cannot be used, with every problem found (not only the first)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__(self.render(DEFAULT_LANGUAGE))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return "\n".join(p.render(lang) for p in self.problems)


class SchemeError(KaopingError):
    """The scheme file is invalid."""


class DataError(KaopingError):
    """The base-data table is invalid."""


@dataclass(frozen=True)
class Text:
    """An English message id and its values, translated and formatted when shown.

    The values are language-neutral (numbers, file names, codes).

    Examples
    --------
    >>> Text("{count} files", {"count": 3}).text("zh")
    '3 个文件'
    """

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        return gettext(self.message, lang).format(**self.params)


@dataclass(frozen=True)
class Listing:
    """Items shown as one list, separated as the user's language does (“a、b”, “a, b”).

    Examples
    --------
    >>> Listing(("mof-2012", "beijing-2023")).text("zh")
    'mof-2012、beijing-2023'
    >>> Listing(("a", "b"), more=True).text("en")
    'a, b…'
    """

    items: tuple[str | Localisable, ...]
    more: bool = False  # the list goes on: "…" after the last item shown

    def text(self, lang: str) -> str:
        separator = pgettext("between the items of a list", ", ", lang)
        shown = separator.join(str(_localise(item, lang)) for item in self.items)
        return shown + "…" if self.more else shown


class Bilingual(str):
    """A text known in both languages as data, chosen at render time.

    For texts that come with their translation from outside the code (a scheme's ``label``
    and ``label_en``, an already rendered message); text written in the code goes through
    gettext instead.
    """

    en: str

    def __new__(cls, zh: str, en: str | None = None) -> Bilingual:
        obj = super().__new__(cls, zh)
        obj.en = en or zh
        return obj

    def pick(self, lang: str) -> str:
        return self.en if lang == "en" else str(self)


@runtime_checkable
class Localisable(Protocol):
    """Anything shown in the user's language: a LazyText, a Text, a Listing, a Problem."""

    def text(self, lang: str) -> str: ...


def _localise(value: Any, lang: str) -> Any:
    if isinstance(value, Localisable):
        return value.text(lang)
    if isinstance(value, Bilingual):
        return value.pick(lang)
    # A (Chinese, English) pair: the form of the modules not yet on gettext (issue 16).
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return value[1] if lang == "en" else value[0]
    return "" if value is None else value


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
