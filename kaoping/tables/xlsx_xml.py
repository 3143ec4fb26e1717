"""What python-calamine does not tell about an XLSX file, read from the file's XML.

Two things:

* the number formats of chosen columns. Two formats change what a value means here: a unit
  code 101 shown as ``000101`` (format ``000000``) and a rate 0.0146 shown as ``1.46%``.
  openpyxl can tell, but it parses every cell of the sheet in Python (about 0.8 s for 3,000
  rows of the mof-2012 table); a regular expression over the sheet's XML finds the few
  columns needed in a few milliseconds. openpyxl (read-only) is kept as the fallback for
  files whose cells carry no ``r`` reference, which the expression cannot place.
* the size a sheet declares (``<dimension ref="A1:AB3001"/>``), before calamine builds its
  dense grid of cells: one stray cell in XFD1048576 makes a 5 KB file need many gigabytes.

Everything here is best effort: a file calamine could read but this cannot simply has no
formats or no declared size, and is read as it is.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Collection
from xml.etree import ElementTree as ET

from kaoping.tables.letters import column_index, column_letters

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# Built-in formats (ECMA-376 18.8.30) that matter for codes and rates; others never do.
_BUILTIN_FORMATS = {0: "General", 1: "0", 9: "0%", 10: "0.00%", 49: "@"}
_ANY_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>][^>]*>")
_STYLE = re.compile(rb"""\ss=["'](\d+)["']""")

# The used range: "A1:AB3001", or "A1" alone for a one-cell sheet.
_DIMENSION = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=[\"']((?:[A-Z]+\d+:)?([A-Z]{1,3})(\d{1,7}))[\"']"
)
_DIMENSION_SEARCH_BYTES = 4096
# What a damaged package raises on the way (RuntimeError: an encrypted member;
# NotImplementedError: an unknown compression method).
_BROKEN = (
    zipfile.BadZipFile,
    KeyError,
    ET.ParseError,
    ValueError,
    OSError,
    EOFError,
    zlib.error,
    RuntimeError,
    NotImplementedError,
)

# {column index: {row index: number format}}, both 0-based.
Formats = dict[int, dict[int, str]]


def read_number_formats(content: bytes, sheet_name: str, columns: Collection[int]) -> Formats:
    """The number format of every styled cell of ``columns`` in the sheet ``sheet_name``.

    Cells without a style have the ``General`` format and are left out.
    """
    if not columns:
        return {}
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            workbook = _workbook_path(archive)
            relations = _relations(archive, workbook)
            sheet_path = _sheet_path(archive, workbook, relations, sheet_name)
            styles = _cell_formats(archive, _styles_path(workbook, relations))
            xml = archive.read(sheet_path)
    except _BROKEN:
        return {}
    first_cell = _ANY_CELL.search(xml)
    if first_cell is not None and b" r=" not in first_cell.group(0):
        return _formats_with_openpyxl(content, sheet_name, columns)
    return _scan_cells(xml, columns, styles)


def declared_size(content: bytes, sheet_name: str) -> tuple[str, int, int] | None:
    """The used range a sheet declares, as ``(reference, rows, columns)``; None if unknown.

    Examples
    --------
    A sheet with ``<dimension ref="A1:AB3001"/>`` gives ``("A1:AB3001", 3001, 28)``.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            workbook = _workbook_path(archive)
            relations = _relations(archive, workbook)
            with archive.open(_sheet_path(archive, workbook, relations, sheet_name)) as xml:
                head = xml.read(_DIMENSION_SEARCH_BYTES)  # the dimension comes first
    except _BROKEN:
        return None
    match = _DIMENSION.search(head)
    if match is None:
        return None
    reference, last_column, last_row = match.group(1).decode(), match.group(2), match.group(3)
    return reference, int(last_row), column_index(last_column.decode()) + 1


def sheet_part(content: bytes, sheet_name: str) -> str | None:
    """The package part (``xl/worksheets/sheet1.xml``) of the sheet ``sheet_name``."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            workbook = _workbook_path(archive)
            relations = _relations(archive, workbook)
            return _sheet_path(archive, workbook, relations, sheet_name)
    except _BROKEN:
        return None


def _scan_cells(xml: bytes, columns: Collection[int], styles: list[str]) -> Formats:
    letters = {column_letters(c): c for c in columns}
    wanted = b"|".join(letter.encode() for letter in letters)
    pattern = re.compile(
        rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br=[\"'](" + wanted + rb")(\d+)[\"'][^>]*>"
    )
    found: Formats = {c: {} for c in columns}
    for match in pattern.finditer(xml):
        style = _STYLE.search(match.group(0))
        if style is None:
            continue
        xf = int(style.group(1))
        if xf < len(styles):
            column = letters[match.group(1).decode()]
            found[column][int(match.group(2)) - 1] = styles[xf]
    return found


def _workbook_path(archive: zipfile.ZipFile) -> str:
    try:
        root = ET.fromstring(archive.read("_rels/.rels"))
    except KeyError:
        return "xl/workbook.xml"
    for rel in root.iter(f"{_REL}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "xl/workbook.xml").lstrip("/")
    return "xl/workbook.xml"


def _relations(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, absolute part name) of one part of the package."""
    folder, name = posixpath.split(part)
    root = ET.fromstring(archive.read(posixpath.join(folder, "_rels", f"{name}.rels")))
    result = {}
    for rel in root.iter(f"{_REL}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        result[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(path))
    return result


def _sheet_path(
    archive: zipfile.ZipFile, workbook: str, relations: dict[str, tuple[str, str]], name: str
) -> str:
    root = ET.fromstring(archive.read(workbook))
    for sheet in root.iter(f"{_MAIN}sheet"):
        if sheet.get("name") == name:
            return relations[sheet.get(f"{_DOC_REL}id", "")][1]
    raise KeyError(name)


def _styles_path(workbook: str, relations: dict[str, tuple[str, str]]) -> str:
    for kind, path in relations.values():
        if kind.endswith("/styles"):
            return path
    return posixpath.join(posixpath.dirname(workbook), "styles.xml")


def _cell_formats(archive: zipfile.ZipFile, path: str) -> list[str]:
    """Format code of each cell style (``cellXfs``), by the style index cells refer to."""
    try:
        root = ET.fromstring(archive.read(path))
    except KeyError:
        return []
    custom = {
        int(fmt.get("numFmtId", "-1")): fmt.get("formatCode", "")
        for fmt in root.iter(f"{_MAIN}numFmt")
    }
    cell_xfs = root.find(f"{_MAIN}cellXfs")
    if cell_xfs is None:
        return []
    codes = []
    for xf in cell_xfs.iter(f"{_MAIN}xf"):
        number_format = int(xf.get("numFmtId", "0"))
        codes.append(custom.get(number_format, _BUILTIN_FORMATS.get(number_format, "General")))
    return codes


def _formats_with_openpyxl(content: bytes, sheet_name: str, columns: Collection[int]) -> Formats:
    import openpyxl  # slow to import and to run: only for the rare file without cell refs

    found: Formats = {c: {} for c in columns}
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook[sheet_name]
            for r, row in enumerate(sheet.iter_rows(max_col=max(columns) + 1)):
                for c in columns:
                    fmt = getattr(row[c], "number_format", None) if c < len(row) else None
                    if fmt and fmt != "General":
                        found[c][r] = fmt
        finally:
            workbook.close()
    except Exception:  # best effort, see the module docstring
        return {}
    return found
