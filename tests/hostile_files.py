"""A corpus of hostile base-data files, generated (nothing binary is checked in).

Each entry is ``(name, filename, content, expected problem code)``: what the reader must answer
for that file. The web upload test and the CLI test read the same corpus, so both doors are
held to the same answers (issue 11).
"""

from __future__ import annotations

import io
import struct
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def workbook_xml(first: str = "基础数据", first_state: str = "visible", second: str = "说明"):
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        f'<sheets><sheet name="{first}" sheetId="1" state="{first_state}" r:id="rId1"/>'
        f'<sheet name="{second}" sheetId="2" r:id="rId2"/></sheets></workbook>'
    )


def sheet_xml(cells: str, dimension: str | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}'
        f"<sheetData>{cells}</sheetData></worksheet>"
    ).encode()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER = '<row r="1">' + inline("A1", "单位编码") + inline("B1", "单位名称") + "</row>"


def package(
    sheet1: bytes,
    sheet2: bytes | None = None,
    strings: bytes | None = None,
    workbook: str | None = None,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook or workbook_xml())
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet1)
        archive.writestr("xl/worksheets/sheet2.xml", sheet2 or sheet_xml(""))
        archive.writestr(
            "xl/sharedStrings.xml",
            strings or f'<sst xmlns="{MAIN}" count="0" uniqueCount="0"></sst>'.encode(),
        )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def far_cell(ref: str, dimension: str | None = None) -> bytes:
    """A header and one stray cell at ``ref`` (a number), declaring ``dimension``."""
    row = "".join(ch for ch in ref if ch.isdigit())
    cells = HEADER + f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'
    return package(sheet_xml(cells, dimension))


def lying_size(content: bytes, part: str, declared: int) -> bytes:
    """The package with ``part``'s uncompressed size rewritten to ``declared`` in both the
    local header and the central directory (the data is left as it is)."""
    data = bytearray(content)
    name = part.encode()
    local = data.find(b"PK\x03\x04" + b"")
    while local != -1:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if bytes(data[local + 30 : local + 30 + name_length]) == name:
            struct.pack_into("<I", data, local + 22, declared)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_length]) == name:
            struct.pack_into("<I", data, central + 24, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def many_strings(count: int) -> bytes:
    return (
        f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'.encode()
        + b"<si><t>x</t></si>" * count
        + b"</sst>"
    )


def incompressible_text(characters: int, seed: int = 11) -> str:
    """Chinese characters in an order zlib cannot shrink (no ratio check catches them)."""
    import random

    rng = random.Random(seed)
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(characters))


def corpus() -> list[tuple[str, str, bytes, str]]:
    """Every hostile file and the problem code the reader must answer with."""
    rows_without_refs = HEADER + "<row>" + "<c><v>1</v></c>" * 1500 + "</row>"
    wide_csv = ",".join(f"列{i}" for i in range(10_000)).encode() + b"\n"
    big_strings = many_strings(3_000_000)
    return [
        ("far cell, no dimension", "a.xlsx", far_cell("XFD1048576"), "data.too_large"),
        ("far cell, lying dimension", "a.xlsx", far_cell("XFD1048576", "A1:B1"), "data.too_large"),
        ("far column", "a.xlsx", far_cell("XFD2000"), "data.too_large"),
        ("far row", "a.xlsx", far_cell("AB1048576"), "data.too_large"),
        ("huge declared dimension", "a.xlsx", far_cell("B2", "A1:XFD1048576"), "data.too_large"),
        (
            "cells without references",
            "a.xlsx",
            package(sheet_xml(rows_without_refs)),
            "data.too_many_columns",
        ),
        (
            "shared strings bomb",
            "a.xlsx",
            package(sheet_xml(HEADER), strings=big_strings),
            "data.zip_bomb",
        ),
        (
            "size lies (smaller declared)",
            "a.xlsx",
            lying_size(package(sheet_xml(HEADER * 200)), "xl/worksheets/sheet1.xml", 100),
            "data.unreadable",
        ),
        (
            "shared strings declared 1 GB",
            "a.xlsx",
            lying_size(package(sheet_xml(HEADER)), "xl/sharedStrings.xml", 2**30),
            "data.zip_bomb",
        ),
        (
            "many parts",
            "a.xlsx",
            package(sheet_xml(HEADER), extra={f"x/{i}.xml": b"<a/>" for i in range(2100)}),
            "data.zip_bomb",
        ),
        (
            "one giant tag",
            "a.xlsx",
            package(
                sheet_xml(
                    '<row r="1"><c r="A1" t="inlineStr"><is><t>'
                    + incompressible_text(800_000)
                    + "</t></is></c></row>"
                )
            ),
            "data.unreadable",
        ),
        (
            "only a hidden sheet",
            "a.xlsx",
            package(
                sheet_xml(HEADER),
                workbook=(
                    f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
                    f'<sheet name="基础数据" sheetId="1" state="hidden" r:id="rId1"/></sheets></workbook>'
                ),
            ),
            "data.no_visible_sheet",
        ),
        ("10,000 columns (CSV)", "a.csv", wide_csv, "data.too_many_columns"),
        (
            "control characters in the name",
            "a\x1b[31m\x07.xlsx",
            far_cell("XFD1048576"),
            "data.too_large",
        ),
    ]
