"""Small helpers shared by the apps: action errors, permission guards, Excel exports."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from kaoping.tables.sheets import print_setup

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is read by Excel as a formula (formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ActionError(Exception):
    """An action refused: wrong state, missing reason, rule broken. ``str()`` is for users."""


def require(allowed: bool) -> None:
    """Answer 403 unless ``allowed`` (a permission function's verdict)."""
    if not allowed:
        raise PermissionDenied


def lang_of(request) -> str:
    """The language of the request's page for the pure layers' messages: "en" or "zh"."""
    return "en" if getattr(request, "LANGUAGE_CODE", "zh-hans") == "en" else "zh"


def django_language(lang: str) -> str:
    """Django's language code for "zh" or "en" (the pure layers' codes), for
    ``translation.override`` where a message is rendered in a language chosen explicitly."""
    return "en" if lang == "en" else "zh-hans"


def active_lang() -> str:
    """The active Django language as the pure layers name it: "en" or "zh"."""
    return "en" if translation.get_language() == "en" else "zh"


def in_language(lang: str) -> translation.override:
    """``with in_language("en"): _("…")``: gettext in ``lang`` ("zh" or "en")."""
    return translation.override(django_language(lang))


def join_list(items: Iterable[object]) -> str:
    """Items named in a message, joined as the active language lists them ("a、b" or "a, b")."""
    return pgettext("list separator", ", ").join(str(item) for item in items)


def join_details(items: Iterable[object]) -> str:
    """Sentences of one message (problems, warnings), joined as the active language writes
    them ("甲；乙" or "a; b")."""
    return pgettext("between the details of a check", "; ").join(str(item) for item in items)


def after_label(label: object, text: object) -> str:
    """A text after its label ("单位：文本" or "unit: text")."""
    return f"{label}{pgettext('label separator', ': ')}{text}"


def safe_cell(value: Any) -> Any:
    """Neutralise text that Excel would run as a formula; numbers pass unchanged.

    Examples
    --------
    >>> safe_cell("=HYPERLINK(1)"), safe_cell("-5"), safe_cell(-5), safe_cell("东城区")
    ("'=HYPERLINK(1)", "'-5", -5, '东城区')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _yes_no(value: bool) -> str:
    return pgettext("boolean cell", "Yes") if value else pgettext("boolean cell", "No")


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Sheet1"
) -> HttpResponse:
    """One-sheet workbook as a download: bold frozen header, every cell neutralised, numbers
    as numbers in a number format, 是/否, printed A4 landscape with the header on every page
    (kaoping.tables.sheets)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([safe_cell(str(h)) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_yes_no(v) if isinstance(v, bool) else safe_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, (float, Decimal)):  # money to the fen, summable
                cell.number_format = "#,##0.00"
    print_setup(sheet, filename.rsplit(".", 1)[0], title_rows="1:1")
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(
            10, len(str(header)) * 2 + 2
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return download(buffer.getvalue(), filename, XLSX_TYPE)


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # RFC 5987: Chinese file names survive in every current browser.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def refused(problems, lang: str = "zh") -> ActionError:
    """An ActionError listing every problem the scoring core found (one per line)."""
    return ActionError("\n".join(p.text(lang) for p in problems))


# Supporting documents that browsers show themselves; anything else is downloaded. Their
# content was checked against the name at upload (kaoping.web.submissions.uploads), and
# nosniff keeps the browser from guessing another type.
INLINE_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def document_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF or an image opens in the browser tab; other documents download."""
    suffix = filename[filename.rfind(".") :].lower() if "." in filename else ""
    if suffix not in INLINE_TYPES:
        return download(content, filename, "application/octet-stream")
    response = HttpResponse(content, content_type=INLINE_TYPES[suffix])
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response
