"""Word (.docx) rendering of a :class:`ReportDocument`, for Word, WPS and LibreOffice alike.

Government documents follow GB/T 9704 for page and type, and so does this file:

- A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (a 156 × 225 mm type area);
- body in 仿宋 三号 (16 pt) at a fixed 28 pt line spacing, first-line indent of two
  characters; level-1 headings in 黑体, level-2 in 楷体, the title in 宋体 二号 bold;
  tables in 宋体 10 pt;
- every run carries its East Asian font and the ``zh-CN`` language itself (WPS and
  LibreOffice do not resolve theme fonts as Word does, and python-docx's template headings
  point at theme fonts);
- tables with explicit total and column widths and a fixed layout
  (:mod:`kaoping.reports.layout`), header rows repeated on each page;
- the cover in its own section without a page number; numbering starts at 1 after it;
- a contents page already filled in (entries linked to bookmarks, page numbers from PAGEREF
  fields that Word, WPS and LibreOffice compute), inside a TOC field Word can refresh;
- document properties set to the issuer, never python-docx's defaults.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import IO

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import (
    WD_ALIGN_PARAGRAPH,
    WD_BREAK,
    WD_LINE_SPACING,
    WD_TAB_ALIGNMENT,
    WD_TAB_LEADER,
)
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from kaoping.reports.layout import CELL_PADDING_MM, column_widths_mm
from kaoping.reports.model import (
    Chart,
    Paragraph,
    ReportDocument,
    Section,
    Table,
    cover_lines,
    title_lines,
)

BODY_FONT = "仿宋"
TABLE_FONT = "宋体"
TITLE_FONT = "宋体"
HEADING_FONTS = {1: "黑体", 2: "楷体", 3: "楷体"}
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
LINE_SPACING = Pt(28)  # fixed, 22 lines to the page
TABLE_SIZE_PT = 10
TABLE_SIZE = Pt(TABLE_SIZE_PT)
NOTE_COLOUR = RGBColor(0xC0, 0x39, 0x2B)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # GB/T 9704
USABLE_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]
LANGUAGE = "zh-CN"


def render_docx(doc: ReportDocument, path: str | Path | IO[bytes]) -> None:
    """Write ``doc`` as a Word file (path or binary buffer)."""
    word = Document()
    _page_setup(word.sections[0])
    _styles(word)
    _update_fields_on_open(word)
    if doc.cover:
        _cover(word, doc)
        body = word.add_section(WD_SECTION.NEW_PAGE)
        _page_setup(body)
        _restart_numbering(body)
    _toc(word, doc)
    if doc.signature:
        _team(word, doc)
    for section in doc.sections:
        _section(word, section)
    if doc.signature:
        _closing(word, doc)
    _headers_and_footers(word, doc)
    _every_run_east_asian(word)
    _properties(word, doc)
    word.save(path)


def docx_bytes(doc: ReportDocument) -> bytes:
    buffer = io.BytesIO()
    render_docx(doc, buffer)
    return buffer.getvalue()


# --- page, styles, fields ---------------------------------------------------------------


def _page_setup(section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(20)


def _restart_numbering(section) -> None:
    props = section._sectPr
    number = OxmlElement("w:pgNumType")
    number.set(qn("w:start"), "1")
    props.append(number)


def set_east_asian_font(element, font: str, latin: str = LATIN_FONT) -> None:
    """Set the Latin and East Asian fonts of a style or run (``w:rFonts``), dropping any
    theme font that would override them, and the language (``w:lang``) to zh-CN."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:cs"), latin)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _fixed_spacing(fmt, points: Pt) -> None:
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = points


def _styles(word) -> None:
    styles = word.styles
    normal = styles["Normal"]
    normal.font.size = BODY_SIZE
    normal.font.name = LATIN_FONT
    set_east_asian_font(normal.element, BODY_FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    _fixed_spacing(normal.paragraph_format, LINE_SPACING)
    normal.paragraph_format.widow_control = True
    for name, size, font in (
        ("Title", 22, TITLE_FONT),
        ("Heading 1", 16, HEADING_FONTS[1]),
        ("Heading 2", 16, HEADING_FONTS[2]),
        ("Heading 3", 16, HEADING_FONTS[3]),
    ):
        style = styles[name]
        style.font.size = Pt(size)
        style.font.bold = name in ("Title", "Heading 1")
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.name = LATIN_FONT
        set_east_asian_font(style.element, font)
        ppr = style.element.get_or_add_pPr()
        border = ppr.find(qn("w:pBdr"))  # python-docx's blue rule under the title
        if border is not None:
            ppr.remove(border)
        style.paragraph_format.space_before = Pt(0 if name == "Title" else 6)
        style.paragraph_format.space_after = Pt(0 if name == "Title" else 6)
        _fixed_spacing(style.paragraph_format, Pt(36) if name == "Title" else LINE_SPACING)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.first_line_indent = Pt(0 if name == "Title" else 32)
    caption = styles["Caption"]
    caption.font.size = Pt(12)
    caption.font.bold = True
    caption.font.italic = False
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.font.name = LATIN_FONT
    set_east_asian_font(caption.element, HEADING_FONTS[1])
    _fixed_spacing(caption.paragraph_format, Pt(20))
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(3)
    for level in (1, 2):
        toc = (
            styles.add_style(f"TOC {level}", 1)
            if f"TOC {level}" not in styles
            else styles[f"TOC {level}"]
        )
        toc.base_style = normal
        toc.font.size = Pt(14 if level == 1 else 12)
        set_east_asian_font(toc.element, BODY_FONT)
        toc.paragraph_format.left_indent = Pt(0 if level == 1 else 28)
        _fixed_spacing(toc.paragraph_format, Pt(26 if level == 1 else 22))
        toc.paragraph_format.tab_stops.add_tab_stop(
            Mm(USABLE_MM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )


def _update_fields_on_open(word) -> None:
    """Ask Word to refresh the contents and page fields when the file is opened."""
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    word.settings.element.append(update)


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A complex field (begin / instruction / separate / result / end) in ``paragraph``."""
    _field_char(paragraph, "begin")
    _instruction(paragraph, instruction)
    _field_char(paragraph, "separate")
    paragraph.add_run(placeholder)
    _field_char(paragraph, "end")


def _field_char(paragraph, kind: str) -> None:
    run = paragraph.add_run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), kind)
    run._r.append(fld)


def _instruction(paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)


# --- content ----------------------------------------------------------------------------------


def _plain(
    word,
    text: str = "",
    *,
    size: float | None = None,
    font: str | None = None,
    bold: bool = False,
    align=None,
    indent: bool = False,
    spacing: float | None = None,
):
    p = word.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32) if indent else Pt(0)
    if align is not None:
        p.alignment = align
    if spacing is not None:
        _fixed_spacing(p.paragraph_format, Pt(spacing))
    if text:
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        if font:
            set_east_asian_font(run._r, font)
    return p


def _cover(word, doc: ReportDocument) -> None:
    cover = doc.cover
    assert cover is not None
    en = doc.lang == "en"
    _plain(word, cover.number, size=14, align=WD_ALIGN_PARAGRAPH.RIGHT)
    for _ in range(3):
        _plain(word)
    for line in title_lines(cover.title):
        p = word.add_paragraph(line, style="Title")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if cover.subtitle:
        _plain(
            word,
            cover.subtitle,
            size=18,
            font=HEADING_FONTS[1],
            bold=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            spacing=36,
        )
    for _ in range(4):
        _plain(word)
    for key, value in cover_lines(doc):
        if key in ("报告编号", "Report number"):
            continue  # above the title
        p = _plain(word, spacing=30)
        p.paragraph_format.left_indent = Cm(2)
        label = p.add_run(f"{key}: " if en else f"{key}：")
        label.bold = True
        label.font.size = Pt(15)
        set_east_asian_font(label._r, HEADING_FONTS[1])
        run = p.add_run(value)
        run.font.size = Pt(15)


def _toc(word, doc: ReportDocument) -> None:
    """A contents page already filled in: one entry per heading, its page from a PAGEREF."""
    heading = _plain(
        word,
        doc.toc_title,
        size=22,
        font=TITLE_FONT,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        spacing=40,
    )
    heading.paragraph_format.space_after = Pt(12)
    entries = [s for s in doc.walk() if s.level <= 2]
    for number, section in enumerate(entries):
        p = word.add_paragraph(style=f"TOC {section.level}")
        p.paragraph_format.first_line_indent = Pt(0)
        p.add_run(section.title)
        p.add_run("\t")
        _field(p, f"PAGEREF {_bookmark(number)} \\h", "")
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _bookmark(number: int) -> str:
    return f"_Toc{100000 + number}"


def _team(word, doc: ReportDocument) -> None:
    sig = doc.signature
    assert sig is not None
    en = doc.lang == "en"
    _plain(
        word,
        sig.team_title,
        size=22,
        font=TITLE_FONT,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        spacing=40,
    )
    rows = [[name, role] for name, role in sig.team] or [["", ""] for _ in range(4)]
    _table(
        word, Table(columns=["Name", "Role"] if en else ["姓名", "职责"], rows=rows, widths=(1, 2))
    )
    _plain(word, sig.statement, indent=True)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _closing(word, doc: ReportDocument) -> None:
    """The 落款: 评价机构（盖章） and the date, to the right, after the last part."""
    sig = doc.signature
    assert sig is not None
    _plain(word)
    _plain(word)
    sep = ": " if doc.lang == "en" else "："
    for text in (f"{sig.seal_label}{sep}{sig.issuer}", sig.date):
        p = _plain(word, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(32)
        p.paragraph_format.keep_with_next = True


def _section(word, section: Section, counter: list[int] | None = None) -> None:
    counter = counter if counter is not None else _heading_counter(word)
    heading = word.add_heading(section.title, level=min(section.level, 3))
    if section.level <= 2:
        _add_bookmark(heading, _bookmark(counter[0]), counter[0])
        counter[0] += 1
    for block in section.blocks:
        if isinstance(block, Paragraph):
            _paragraph(word, block)
        elif isinstance(block, Table):
            _table(word, block)
        elif isinstance(block, Chart):
            _chart(word, block)
    for sub in section.subsections:
        _section(word, sub, counter)


def _heading_counter(word) -> list[int]:
    """The running number of level-1/2 headings (bookmark names), kept on the document."""
    if not hasattr(word, "_kaoping_headings"):
        word._kaoping_headings = [0]
    return word._kaoping_headings


def _add_bookmark(paragraph, name: str, number: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def _paragraph(word, block: Paragraph) -> None:
    p = word.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)  # two characters, as in official documents
    p.add_run(block.text)
    if block.note:
        note = p.add_run(block.note)
        note.font.color.rgb = NOTE_COLOUR
        note.font.size = Pt(12)


def _table(word, block: Table) -> None:
    if block.caption:
        caption = word.add_paragraph(block.caption, style="Caption")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.first_line_indent = Pt(0)
        caption.paragraph_format.keep_with_next = True
    widths = column_widths_mm(block, USABLE_MM, TABLE_SIZE_PT)
    table = word.add_table(rows=1, cols=len(block.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # fixed layout: WPS and LibreOffice keep the widths below
    _table_width(table, sum(widths))
    header = table.rows[0]
    _repeat_header(header)
    for i, name in enumerate(block.columns):
        _cell(header.cells[i], name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, shade=True)
    for row in block.rows:
        cells = table.add_row().cells
        for i, text in enumerate(row):
            align = WD_ALIGN_PARAGRAPH.RIGHT if i in block.numeric else WD_ALIGN_PARAGRAPH.LEFT
            _cell(cells[i], text, align=align)
    for i, width in enumerate(widths):
        table.columns[i].width = Mm(width)
        for cell in table.columns[i].cells:
            cell.width = Mm(width)
    if block.note:
        _plain(word, block.note, size=12, spacing=20)
    else:
        _plain(word, spacing=12)


def _table_width(table, width_mm: float) -> None:
    props = table._tbl.tblPr
    width = props.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        props.append(width)
    width.set(qn("w:w"), str(round(width_mm / 25.4 * 1440)))
    width.set(qn("w:type"), "dxa")
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(round(CELL_PADDING_MM / 25.4 * 1440)))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    props.append(margins)


def _cell(cell, text: str, *, bold: bool = False, align=None, shade: bool = False) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
    p.paragraph_format.line_spacing = Pt(14)
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    run.font.size = TABLE_SIZE
    run.bold = bold
    set_east_asian_font(run._r, HEADING_FONTS[1] if bold else TABLE_FONT)
    if shade:
        props = cell._tc.get_or_add_tcPr()
        fill = OxmlElement("w:shd")
        fill.set(qn("w:val"), "clear")
        fill.set(qn("w:color"), "auto")
        fill.set(qn("w:fill"), "DCE6F1")
        props.append(fill)


def _repeat_header(row) -> None:
    """Repeat the header row at the top of each page the table runs onto."""
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _chart(word, block: Chart) -> None:
    width = min(block.width_cm, USABLE_MM / 10)
    word.add_picture(io.BytesIO(block.png), width=Cm(width))
    picture = word.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.first_line_indent = Pt(0)
    picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # not clipped
    picture.paragraph_format.keep_with_next = True
    caption = word.add_paragraph(block.caption, style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.first_line_indent = Pt(0)


def _headers_and_footers(word, doc: ReportDocument) -> None:
    """Page numbers ('— 1 —', 宋体 四号) after the cover; the draft banner on every page."""
    for index, section in enumerate(word.sections):
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        if doc.draft_banner:
            header = section.header.paragraphs[0]
            header.alignment = WD_ALIGN_PARAGRAPH.LEFT
            run = header.add_run(doc.draft_banner)
            run.font.size = Pt(10.5)
            run.font.bold = True
            run.font.color.rgb = NOTE_COLOUR
            set_east_asian_font(run._r, HEADING_FONTS[1])
        if index == 0 and doc.cover:
            continue  # no page number on the cover
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("— ")
        _field(footer, "PAGE", "1")
        footer.add_run(" —")
        for run in footer.runs:
            run.font.size = Pt(14)
            set_east_asian_font(run._r, TABLE_FONT)


def _every_run_east_asian(word) -> None:
    """Give every run its own East Asian font and zh-CN language (body, headers, footers):
    runs without a font get the one of their paragraph's role."""
    parts = [word.element.body]
    for section in word.sections:
        parts += [section.header._element, section.footer._element]
    for part in parts:
        for r in part.iter(qn("w:r")):
            rpr = r.find(qn("w:rPr"))
            fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
            if fonts is not None and fonts.get(qn("w:eastAsia")):
                if rpr.find(qn("w:lang")) is None:
                    set_east_asian_font(r, fonts.get(qn("w:eastAsia")))
                continue
            set_east_asian_font(r, _role_font(r))


def _role_font(r) -> str:
    p = r.getparent()
    while p is not None and p.tag != qn("w:p"):
        p = p.getparent()
    style = ""
    if p is not None and p.pPr is not None and p.pPr.pStyle is not None:
        style = p.pPr.pStyle.val or ""
    if style == "Title":
        return TITLE_FONT
    if style.startswith("Heading"):
        level = int(style[-1]) if style[-1].isdigit() else 1
        return HEADING_FONTS.get(level, HEADING_FONTS[2])
    if style == "Caption":
        return HEADING_FONTS[1]
    return BODY_FONT


def _properties(word, doc: ReportDocument) -> None:
    """Document properties of the issuer's report (never python-docx's template's)."""
    props = word.core_properties
    issuer = doc.signature.issuer if doc.signature else (doc.cover.issuer if doc.cover else "")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.title = doc.title
    props.subject = doc.cover.subtitle if doc.cover and doc.cover.subtitle else doc.title
    props.author = issuer
    props.last_modified_by = issuer
    props.comments = ""
    props.keywords = "绩效评价" if doc.lang != "en" else "performance evaluation"
    props.category = doc.kind
    props.language = LANGUAGE if doc.lang != "en" else "en"
    props.created = now
    props.modified = now
    props.last_printed = now
    props.revision = 1
    props.identifier = doc.cover.number if doc.cover else ""
