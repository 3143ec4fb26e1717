"""Word (.docx) rendering of a :class:`ReportDocument`, for editing and filing.

Real Word styles (Title, Heading 1–2, Caption, Table Grid) so the navigation pane and the
table of contents work; A4 pages with the margins of official documents (GB/T 9704); East
Asian fonts set explicitly (python-docx sets only the Latin font): 宋体 for the body, 黑体
for headings; a TOC field Word fills in when the file is opened; page numbers from a PAGE
field in the footer.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from kaoping.reports.model import Chart, Paragraph, ReportDocument, Section, Table

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(12)  # 小四
TABLE_SIZE = Pt(9.5)
NOTE_COLOUR = RGBColor(0xC0, 0x39, 0x2B)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # GB/T 9704 official documents


def render_docx(doc: ReportDocument, path: str | Path | IO[bytes]) -> None:
    """Write ``doc`` as a Word file (path or binary buffer)."""
    word = Document()
    _page_setup(word)
    _styles(word)
    _update_fields_on_open(word)
    if doc.cover:
        _cover(word, doc)
    _toc(word, doc.toc_title)
    for section in doc.sections:
        _section(word, section)
    _footer(word, doc.footer)
    word.core_properties.title = doc.title
    word.core_properties.subject = doc.cover.subtitle if doc.cover else ""
    word.save(path)


def docx_bytes(doc: ReportDocument) -> bytes:
    buffer = io.BytesIO()
    render_docx(doc, buffer)
    return buffer.getvalue()


# --- page, styles, fields ---------------------------------------------------------------


def _page_setup(word) -> None:
    for section in word.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(210)
        section.page_height = Mm(297)
        section.top_margin = Mm(MARGINS_MM["top"])
        section.bottom_margin = Mm(MARGINS_MM["bottom"])
        section.left_margin = Mm(MARGINS_MM["left"])
        section.right_margin = Mm(MARGINS_MM["right"])
        section.footer_distance = Mm(20)


def set_east_asian_font(element, font: str, latin: str = LATIN_FONT) -> None:
    """Set the Latin and East Asian fonts of a style or run (``w:rFonts``)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:cs"), latin)


def _styles(word) -> None:
    styles = word.styles
    normal = styles["Normal"]
    normal.font.size = BODY_SIZE
    normal.font.name = LATIN_FONT
    set_east_asian_font(normal.element, BODY_FONT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.35
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 12)):
        style = styles[name]
        style.font.size = Pt(size)
        style.font.bold = name != "Title"
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.name = LATIN_FONT
        set_east_asian_font(style.element, HEADING_FONT)
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    caption = styles["Caption"]
    caption.font.size = Pt(10.5)
    caption.font.bold = True
    caption.font.italic = False
    caption.font.color.rgb = RGBColor(0, 0, 0)
    set_east_asian_font(caption.element, HEADING_FONT)


def _update_fields_on_open(word) -> None:
    """Ask Word to fill in the TOC and page fields when the file is opened."""
    settings = word.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A complex field (begin / instruction / separate / result / end) in ``paragraph``."""

    def char(kind: str):
        run = paragraph.add_run()
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), kind)
        run._r.append(fld)
        return run

    char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


# --- content ----------------------------------------------------------------------------------


def _cover(word, doc: ReportDocument) -> None:
    cover = doc.cover
    assert cover is not None
    for _ in range(4):
        word.add_paragraph()
    title = word.add_paragraph(cover.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if cover.subtitle:
        sub = word.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = sub.add_run(cover.subtitle)
        run.font.size = Pt(18)
        run.bold = True
        set_east_asian_font(run._r, HEADING_FONT)
    for _ in range(5):
        word.add_paragraph()
    lines = list(cover.fields)
    if cover.issuer:
        lines.append(("评价机构" if doc.lang != "en" else "Evaluated by", cover.issuer))
    if cover.date:
        lines.append(("报告日期" if doc.lang != "en" else "Date", cover.date))
    for key, value in lines:
        p = word.add_paragraph()
        p.paragraph_format.left_indent = Cm(3)
        label = p.add_run(f"{key}：" if doc.lang != "en" else f"{key}: ")
        label.bold = True
        set_east_asian_font(label._r, HEADING_FONT)
        p.add_run(value).font.size = Pt(14)
        label.font.size = Pt(14)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _toc(word, title: str) -> None:
    heading = word.add_paragraph(title, style="Title")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in heading.runs:
        run.font.size = Pt(16)
    placeholder = ("（打开文件时 Word 会自动生成目录；如未生成，请右键此处选择“更新域”）"
                   if title == "目录" else "(Word fills in the contents when the file is opened; "
                   "otherwise right-click here and choose Update Field)")  # fmt: skip
    _field(word.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', placeholder)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _section(word, section: Section) -> None:
    word.add_heading(section.title, level=min(section.level, 3))
    for block in section.blocks:
        if isinstance(block, Paragraph):
            _paragraph(word, block)
        elif isinstance(block, Table):
            _table(word, block)
        elif isinstance(block, Chart):
            _chart(word, block)
    for sub in section.subsections:
        _section(word, sub)


def _paragraph(word, block: Paragraph) -> None:
    p = word.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(24)  # two characters, as in official documents
    p.add_run(block.text)
    if block.note:
        note = p.add_run(block.note)
        note.font.color.rgb = NOTE_COLOUR
        note.font.size = Pt(10.5)


def _table(word, block: Table) -> None:
    if block.caption:
        caption = word.add_paragraph(block.caption, style="Caption")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.keep_with_next = True
    table = word.add_table(rows=1, cols=len(block.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _repeat_header(header)
    for i, name in enumerate(block.columns):
        _cell(header.cells[i], name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, shade=True)
    for row in block.rows:
        cells = table.add_row().cells
        for i, text in enumerate(row):
            align = WD_ALIGN_PARAGRAPH.RIGHT if i in block.numeric else WD_ALIGN_PARAGRAPH.LEFT
            _cell(cells[i], text, align=align)
    if block.widths:
        total = sum(block.widths)
        usable = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]
        for i, width in enumerate(block.widths[: len(block.columns)]):
            for cell in table.columns[i].cells:
                cell.width = Mm(usable * width / total)
    if block.note:
        note = word.add_paragraph()
        run = note.add_run(block.note)
        run.font.size = Pt(9)
    else:
        word.add_paragraph().paragraph_format.space_after = Pt(0)


def _cell(cell, text: str, *, bold: bool = False, align=None, shade: bool = False) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    run.font.size = TABLE_SIZE
    run.bold = bold
    if bold:
        set_east_asian_font(run._r, HEADING_FONT)
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
    word.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
    word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.paragraphs[-1].paragraph_format.first_line_indent = Pt(0)
    caption = word.add_paragraph(block.caption, style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _footer(word, text: str) -> None:
    for section in word.sections:
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("— ")
        _field(footer, "PAGE", "1")
        footer.add_run(" —")
