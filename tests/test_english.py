"""No Chinese user text in the Python source outside the catalogue; English readers read English.

User text is written in English and translated through the project's catalogues (gettext),
so an English reader never meets Chinese and a Chinese reader gets the catalogue's text. A
Chinese string literal in the code is a text that skips the catalogue: this test reads the
source (``ast``) and fails on one. Docstrings, comments and the message ids inside gettext
calls are not looked at; data that is not user text (the names a source document gives its
own sheets, say) goes in ``ALLOWED`` with the reason.

Each layer joins when its text is on gettext: add its package or module to ``AREAS``.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import kaoping
from kaoping.archive.bundle import verify_bundle
from kaoping.archive.chain import Anchor, ChainProblem
from kaoping.scoring.errors import Listing, Problem, Text
from kaoping.scoring.i18n import gettext_lazy
from kaoping.scoring.messages import CATALOGUE

ROOT = Path(kaoping.__file__).resolve().parent.parent

AREAS = [
    "kaoping/archive",
    "kaoping/cli",
    "kaoping/reports",
    "kaoping/scoring",
    "kaoping/tables",
    "kaoping/web",  # its migrations excepted (see python_files)
]

# Chinese that is data, not text shown: what the input files and documents write, matched as
# they write it. (file, literal):
ALLOWED = {
    # Units of measure as the scheme files write them (keys of their English names).
    ("kaoping/scoring/schemes/model.py", "万元"),
    ("kaoping/scoring/schemes/model.py", "元"),
    ("kaoping/scoring/schemes/model.py", "人"),
    ("kaoping/scoring/schemes/model.py", "人/万元"),
    # The base-data sheet's name (附件2), by which the reader finds it in any language.
    ("kaoping/tables/xlsx.py", "基础数据"),
    # Brackets and unit-row words that spreadsheet headers use around units.
    ("kaoping/tables/header.py", r"(?:\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕)$"),
    ("kaoping/tables/header.py", "()[]【】〔〕"),
    ("kaoping/tables/header.py", "计量单位"),
    ("kaoping/tables/header.py", "单位"),
    ("kaoping/tables/assessment.py", "（"),  # an item header "C1（满分 10）" read to its code
    ("kaoping/tables/assessment.py", "率"),  # a target named a rate (…率) is a level
    # The same rule on the web's targets import: a target named a rate (…率) is a level.
    ("kaoping/web/letters/actions.py", "率"),
    # A number typed with a full-width comma gets the hint about digit groups.
    ("kaoping/web/inputs.py", "，"),
    # The separators one may type between a group's item codes (full-width ones included).
    ("kaoping/web/schemes/edit.py", r"[\s,，、;；]+"),
    # Columns named as the Chinese templates head them, where a problem points the reader to the
    # column of the file (the header the reader finds there).
    ("kaoping/scoring/adjustments.py", "单位编码"),
    ("kaoping/scoring/adjustments.py", "分值"),
    ("kaoping/scoring/adjustments.py", "事由"),
    ("kaoping/scoring/adjustments.py", "依据文件"),
    ("kaoping/scoring/assessment.py", "单位编码"),
    ("kaoping/scoring/targets.py", "目标值"),
    ("kaoping/scoring/targets.py", "权重"),
    ("kaoping/scoring/targets.py", "目标类型"),
    # Periods as files write them: "2024年3月", "2024 第一季度" (a pattern and its numerals).
    (
        "kaoping/scoring/comparison.py",
        r"^\s*(?P<year>\d{4})\s*(?:年)?\s*(?:[-_/ ]?\s*(?:(?P<q>[Qq])(?P<qn>[1-4])|(?P<m>\d{1,2})\s*月?)"
        r"|[-_ ]?第?(?P<cq>[一二三四1-4])季度?)?\s*$",
    ),
    *(("kaoping/scoring/comparison.py", numeral) for numeral in "一二三四"),
    # The unit money is kept in, as the scheme files write it in their fields' units.
    ("kaoping/scoring/display.py", "万元"),
    # Full-width characters a formula may be typed with, read as their ASCII forms.
    ("kaoping/scoring/formulas.py", "\u3000"),
    ("kaoping/scoring/formulas.py", "\uff01"),
    ("kaoping/scoring/formulas.py", "\uff5e"),
    # Full-width separators typed into options ("一档：20％，二档：30％", "张三：组长").
    ("kaoping/scoring/robustness/options.py", "，"),
    ("kaoping/scoring/robustness/options.py", "："),
    ("kaoping/scoring/robustness/options.py", "％"),
    ("kaoping/reports/signing.py", "："),
    ("kaoping/cli/robustness.py", "，"),
    # Font family names (仿宋, 宋体, 楷体, 黑体), by which Word and the PDF engine find the fonts.
    *(("kaoping/reports/docx_render.py", font) for font in ("仿宋", "宋体", "楷体", "黑体")),
    # A caption's number as a Chinese builder writes it ("表4 ", "图1 "), replaced when numbered.
    ("kaoping/reports/model.py", r"^(?:表\s*\d+\s*|图\s*\d+\s*|Table \d+\.\s*|Figure \d+\.\s*)"),
    # The word after which a long Chinese title breaks ("2024年度" / "…报告"), matched in it.
    ("kaoping/reports/model.py", "年度"),
    # Chinese numbering of sections and subsections ("一、", "（二）"), written in Chinese
    # documents only (English ones number 1., 2. or not at all) and matched in narratives files.
    ("kaoping/reports/text.py", "一二三四五六七八九十"),
    ("kaoping/reports/text.py", "、"),
    ("kaoping/reports/text.py", "（"),
    ("kaoping/reports/text.py", "）"),
    ("kaoping/reports/round_report.py", "^（[一二三四五六七八九十]+）"),
    ("kaoping/reports/round_report.py", "一二三四五六七八九十"),
    ("kaoping/reports/round_report.py", "（"),
    ("kaoping/reports/round_report.py", "）"),
    ("kaoping/reports/narratives.py", "]+、|[（(]["),
    ("kaoping/reports/narratives.py", r"]+[)）]|\d+[.、)]?)\s*"),
    # The section names a narratives file may write, keys with their Chinese titles as the
    # files write them ("measures（管理措施及实施情况）").
    ("kaoping/reports/narratives.py", "、"),
    ("kaoping/reports/narratives.py", "（"),
    ("kaoping/reports/narratives.py", "）"),
    # The word (考核, assessment) a scheme's own Chinese name is matched for.
    ("kaoping/reports/text.py", "考核"),
}
# Modules that are data through and through: the demonstration rounds, units, people and
# their texts, written in Chinese as a bureau writes them (`make run` loads them).
DATA_MODULES = {"kaoping/web/demo.py"}

# (file, constant): every literal of the constant is data, the column headers and values that
# Chinese spreadsheets write (aliases beside their English keys), matched as written.
DATA_CONSTANTS = {
    ("kaoping/tables/inputs.py", "PRICE_FACTOR"),
    # The people import's file format: its headers and aliases, the role words a row may
    # write, the template's sheet and example rows.
    *(
        ("kaoping/web/accounts/imports.py", name)
        for name in ["COLUMNS", "ROLE_WORDS", "TEMPLATE_SHEET", "TEMPLATE_EXAMPLES"]
    ),
    # The units import's file format: its headers and aliases and the level words.
    ("kaoping/web/units/actions.py", "HEADERS"),
    ("kaoping/web/units/actions.py", "LEVEL_WORDS"),
    # Periods as target files and forms write them ("全年", "7月").
    ("kaoping/scoring/targets.py", "YEAR_END"),
    ("kaoping/scoring/targets.py", "WHOLE_YEAR"),
    ("kaoping/scoring/targets.py", "MONTH_SUFFIX"),
    # Award lists as files write them: headers, criticism kinds, yes, totals rows.
    *(
        ("kaoping/reports/award_lists.py", name)
        for name in [
            "CRITICISM_KINDS",
            "CRITICISM_TIER",
            "UNIT_CODE_HEADERS",
            "TOTAL_ROWS",
            "HEADERS",
            "YES",
        ]
    ),
    # The names a narratives file gives the round report ("综合报告").
    ("kaoping/reports/narratives.py", "ROUND_ALIASES"),
    *(
        ("kaoping/tables/assessment.py", name)
        for name in [
            "UNIT_CODE",
            "UNIT_NAME",
            "EXPERT",
            "PANEL",
            "REASON",
            "POINTS",
            "ADJ_REASON",
            "REFERENCE",
            "TARGET_KEY",
            "TARGET_NAME",
            "TARGET_VALUE",
            "YEAR",
            "WEIGHT",
            "DIRECTION",
            "ACTUAL",
            "THROUGH",
            "TARGET_KIND",
            "TARGET_KINDS",
            "QUARTERS",
            "MONTHS",
            "DIRECTIONS",
            "COEFFICIENT",
            "TOTAL",
            "KIND",
            "TIER",
            "KINDS",
            "RANK",
        ]
    ),
}

# Han characters, CJK punctuation (、。“”《》…) and full-width forms (，：（）～).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# Calls whose string arguments are message ids, extracted into the catalogue.
GETTEXT = {"gettext", "gettext_noop", "gettext_lazy", "pgettext", "ngettext", "_"}


def python_files(area: str) -> list[Path]:
    path = ROOT / area
    if path.suffix == ".py":
        return [path]
    # Migrations are history: they keep the verbose names their models had when written.
    return sorted(p for p in path.rglob("*.py") if "migrations" not in p.relative_to(ROOT).parts)


def chinese_literals(source: str, data: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """Line and text of every string constant with Chinese that is not a docstring, a
    message id, or inside the module-level constants named in ``data``."""
    tree = ast.parse(source)
    skipped: set[int] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if any(isinstance(t, ast.Name) and t.id in data for t in targets):
                skipped.update(id(n) for n in ast.walk(statement))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skipped.add(id(body[0].value))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skipped.add(id(node.value))  # a bare string: a comment in disguise
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in GETTEXT:
                skipped.update(id(arg) for arg in node.args)
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and CJK.search(node.value)
    )


@pytest.mark.parametrize("area", AREAS)
def test_no_chinese_text_outside_the_catalogue(area: str):
    found = []
    for path in python_files(area):
        relative = path.relative_to(ROOT).as_posix()
        if relative in DATA_MODULES:
            continue
        data = frozenset(name for file, name in DATA_CONSTANTS if file == relative)
        for line, text in chinese_literals(path.read_text(encoding="utf-8"), data):
            if (relative, text) not in ALLOWED:
                found.append(f"{relative}:{line}: {text!r}")
    assert found == [], "Chinese outside the catalogue (write English, through gettext):\n" + (
        "\n".join(found)
    )


def test_the_scan_sees_f_strings_and_skips_docstrings_and_message_ids():
    source = (
        'def f(n, lang):\n    """第一行"""\n    return f"第 {n} 行"\n'
        'x = ("单位", gettext("the sheet “基础数据”", lang), pgettext("c", "“{a}”", lang))\n'
    )
    assert chinese_literals(source) == [(3, " 行"), (3, "第 "), (4, "单位")]
    assert chinese_literals('ALIASES = ("单位", "unit")\nx = "单位"\n', frozenset({"ALIASES"})) == [
        (2, "单位")
    ]


# --- what English readers see ------------------------------------------------------------

# Codes whose English text names something the documents name in Chinese: the base-data
# sheet (基础数据) and the notice (财社〔2012〕17号).
NAMES_IN_CHINESE = {"data.no_visible_sheet", "scheme.notice_rule_dropped"}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_problem_reads_in_english_and_in_chinese(code: str):
    names = {f[1] for f in string.Formatter().parse(CATALOGUE[code]) if f[1]}
    params = {name: "x" for name in names}
    problem = Problem(code, file="a.csv", row=3, column="C1", params=params)
    english, chinese = problem.render("en"), problem.render("zh")
    assert english.startswith("file a.csv, row 3, column “C1”: ")
    assert chinese.startswith("文件 a.csv 第 3 行 “C1”列：")
    assert bool(CJK.search(english)) == (code in NAMES_IN_CHINESE), english
    assert CJK.search(problem.text("zh")), f"{code} has no Chinese text: {problem.text('zh')}"


def test_text_decided_before_the_language_is_known_is_translated_when_shown():
    problem = Problem(
        "scheme.not_found",
        params={"code": "x", "available": Listing(("a", "b"))},
        expected=gettext_lazy("a number"),
    )
    assert problem.text("en") == "no scheme “x”; built-in schemes: a, b"
    assert problem.text("zh") == "找不到方案“x”；可用的内置方案：a、b"
    reason = Text("the Excel workbook is damaged or incomplete ({detail})", {"detail": "EOF"})
    damaged = Problem("data.unreadable", params={"reason": reason})
    assert (
        damaged.text("en")
        == "cannot read the file: the Excel workbook is damaged or incomplete (EOF)"
    )
    assert damaged.text("zh") == "无法读取文件：Excel 工作簿已损坏或不完整（EOF）"


# What the log's check said before its texts moved to the catalogue (entry #4 after #3, a
# checkpoint of 5 entries ending at #5 over a chain of 4).
CHAIN_BREAKS = {
    "altered": "第 #4 条被修改（内容与其哈希不符）",
    "inserted": "第 #4 条是插入的（后一条并不链接到它）",
    "removed": "第 #4 条之前有条目被删除（在 #3 与 #4 之间）",
    "reordered": "第 #4 条的顺序被改动（它链接到的不是 #3）",
    "cut": "日志被截断：日志止于 #3（共 4 条），但检查点（2026-03-02）记载有 5 条，止于 #5",
    "rewritten": "日志自第 5 条起被改写：检查点（2026-03-02）记载的链头与现存日志不符",
}


@pytest.mark.parametrize("kind", sorted(CHAIN_BREAKS))
def test_a_broken_log_chain_is_described_in_either_language(kind: str):
    anchor = Anchor(5, 5, "h" * 64, "检查点（2026-03-02）", "the checkpoint of 2026-03-02")
    problem = ChainProblem(4, kind, 3, anchor, length=4)
    assert problem.render("zh") == CHAIN_BREAKS[kind]
    assert not CJK.search(problem.render("en")), problem.render("en")


def test_an_archive_verification_reads_in_english(tmp_path: Path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    report = verify_bundle(path)
    assert not CJK.search(report.render("en")), report.render("en")
    assert "档案校验未通过" in report.render("zh")
