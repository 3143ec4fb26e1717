"""Spreadsheets of the Beijing assessment: expert scoring sheets, recusal lists, targets of
the responsibility letters, bonus / deduction entries, and result workbooks.

Every reader takes an .xlsx or .csv file (:func:`kaoping.tables.read_sheet`), finds its
header row among the first ten rows by the column names (Chinese or English), and reports
every bad cell with file, row, column, value and what was expected — never a traceback.

The expert scoring sheet (:func:`write_expert_sheet`) has one row per expert and unit (a
recused expert gets no row for that unit) and one column per qualitative item, headed by
the item's code, name and maximum; Excel's data validation keeps scores within [0, max]
while typing, and :func:`read_expert_scores` checks them all again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from kaoping.scoring.adjustments import AdjustmentEntry
from kaoping.scoring.allocation import Recipient
from kaoping.scoring.errors import DataError, Listing, Localisable, Problem, Text
from kaoping.scoring.experts import ExpertScore, Recusal, expert_rules, scoring_items
from kaoping.scoring.i18n import gettext, gettext_lazy, gettext_noop, pgettext
from kaoping.scoring.schemes import Scheme
from kaoping.scoring.targets import Target
from kaoping.tables.cells import NotANumber, code_text, is_empty, parse_number, show
from kaoping.tables.read import read_sheet

EXPERT_SHEET = gettext_noop("Expert scores")
HEADER_SEARCH_ROWS = 10
MAX_PROBLEMS = 200

# Column aliases: the first is the Chinese header written in templates.
UNIT_CODE = ("单位编码", "unit_code", "编码", "机构编码", "成员单位编码", "unit code")
UNIT_NAME = ("单位名称", "unit_name", "名称", "机构名称", "成员单位名称", "unit name")
EXPERT = ("专家", "expert", "专家姓名", "评分专家")
PANEL = ("专业考核小组", "panel", "考核小组")
REASON = ("原因", "reason", "回避原因", "事由")
POINTS = ("分值", "points", "加减分", "加分/扣分")
ADJ_REASON = ("事由", "reason", "加减分事由")
REFERENCE = ("依据文件", "reference", "文号", "依据")
TARGET_KEY = ("目标代码", "target_key", "key", "指标代码")
TARGET_NAME = ("目标名称", "target_name", "指标名称")
TARGET_VALUE = ("目标值", "target", "目标")
YEAR = ("年度", "year", "考核年度")
WEIGHT = ("权重", "weight")
DIRECTION = ("方向", "direction")
ACTUAL = ("实际完成", "actual", "完成值", "实际值")
THROUGH = ("截至期", "through", "截至")
TARGET_KIND = ("目标类型", "kind", "类型")
TARGET_KINDS = {
    "累计": "cumulative",
    "累计量": "cumulative",
    "cumulative": "cumulative",
    "控制线": "level",
    "水平": "level",
    "上限": "level",
    "下限": "level",
    "level": "level",
    "cap": "level",
    "floor": "level",
}
QUARTERS = [(f"第{zh}季度", f"Q{n}", f"{n}季度") for n, zh in zip("1234", "一二三四", strict=True)]
MONTHS = [(f"{n}月", f"M{n}") for n in range(1, 13)]
DIRECTIONS = {
    "越高越好": "higher",
    "higher": "higher",
    "高": "higher",
    "越低越好": "lower",
    "lower": "lower",
    "低": "lower",
}


@dataclass
class Table:
    """A sheet with its header row found: column positions by role, and the data rows."""

    filename: str
    header_row: int  # 1-based
    headers: list[str]
    columns: dict[str, int]
    rows: list[tuple[int, list[Any]]]  # (1-based row number, cells)

    def cell(self, cells: list[Any], role: str) -> Any:
        j = self.columns.get(role)
        if j is None or j >= len(cells):
            return ""
        return cells[j]

    def header(self, role: str) -> str:
        return self.headers[self.columns[role]]


def find_table(
    source: str | Path | bytes,
    required: Mapping[str, Sequence[str]],
    optional: Mapping[str, Sequence[str]] = {},
    filename: str | None = None,
) -> Table:
    """Read a sheet and locate the header row holding every ``required`` column.

    Raises
    ------
    DataError
        ``assessment.missing_column`` naming the columns not found.
    """
    sheet = read_sheet(source, filename)
    name = sheet.filename or (Path(source).name if isinstance(source, (str, Path)) else "")
    wanted = {**required, **optional}
    best: tuple[int, dict[str, int]] = (0, {})
    for i, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        found = _match_columns([_header_text(c) for c in row], wanted)
        if sum(1 for role in required if role in found) > sum(
            1 for role in required if role in best[1]
        ):
            best = (i, found)
        if all(role in found for role in required):
            break
    index, found = best
    missing = [aliases[0] for role, aliases in required.items() if role not in found]
    if missing:
        raise DataError(
            [
                Problem(
                    "assessment.missing_column",
                    file=name,
                    params={"label": Listing(tuple(missing))},
                )
            ]
        )
    headers = [show(c) for c in sheet.rows[index]]
    rows = [
        (n + 1, list(cells))
        for n, cells in enumerate(sheet.rows)
        if n > index and not all(is_empty(c) for c in cells) and not _is_key_row(cells, found)
    ]
    return Table(filename=name, header_row=index + 1, headers=headers, columns=found, rows=rows)


def _header_text(cell: Any) -> str:
    return show(cell).replace("\n", " ").strip()


def _match_columns(cells: list[str], wanted: Mapping[str, Sequence[str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    lowered = [c.lower() for c in cells]
    for role, aliases in wanted.items():
        for alias in aliases:
            if alias.lower() in lowered:
                found[role] = lowered.index(alias.lower())
                break
    return found


def _is_key_row(cells: list[Any], columns: Mapping[str, int]) -> bool:
    """The machine-readable key row of a template (under the labels) is not data."""
    j = columns.get("unit_code")
    return j is not None and j < len(cells) and show(cells[j]) == "unit_code"


class _Collector:
    """Problems of one file, capped so a wrong column does not bury the rest."""

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []

    def add(self, code: str, row: int, column: str, value: Any = None, **params: Any) -> None:
        expected = params.pop("expected", None)
        self.problems.append(
            Problem(
                code,
                file=self.filename,
                row=row,
                column=column,
                value=value,
                expected=expected,
                params=params,
            )
        )

    def number(
        self,
        table: Table,
        row: int,
        cells: list[Any],
        role: str,
        expected: Localisable,
        *,
        required: bool = True,
    ) -> float | None:
        value = table.cell(cells, role)
        if is_empty(value):
            if required:
                self.add("assessment.required", row, table.header(role), expected=expected)
            return None
        try:
            return parse_number(value, percent=True)
        except NotANumber:
            self.add(
                "assessment.not_a_number", row, table.header(role), show(value), expected=expected
            )
            return None

    def text(
        self,
        table: Table,
        row: int,
        cells: list[Any],
        role: str,
        *,
        required: bool = True,
        code: bool = False,
    ) -> str:
        if role not in table.columns:
            return ""
        value = table.cell(cells, role)
        text = code_text(value) if code else show(value)
        if required and not text:
            self.add("assessment.required", row, table.header(role), expected=gettext_lazy("text"))
        return text

    def raise_if_any(self) -> None:
        if self.problems:
            shown = self.problems[:MAX_PROBLEMS]
            if len(self.problems) > MAX_PROBLEMS:
                shown.append(
                    Problem(
                        "data.too_many",
                        file=self.filename,
                        params={"shown": MAX_PROBLEMS, "total": len(self.problems)},
                    )
                )
            raise DataError(shown)


# --- expert scoring -----------------------------------------------------------------------


@dataclass(frozen=True)
class Expert:
    """An expert of a professional group (专业考核小组)."""

    name: str
    panel: str = ""


def read_experts(source: str | Path | bytes, filename: str | None = None) -> list[Expert]:
    """The expert list: columns 专家 and (optional) 专业考核小组 (a panel code)."""
    table = find_table(source, {"expert": EXPERT}, {"panel": PANEL}, filename)
    out = _Collector(table.filename)
    experts = []
    for row, cells in table.rows:
        name = out.text(table, row, cells, "expert")
        if name:
            experts.append(Expert(name, out.text(table, row, cells, "panel", required=False)))
    out.raise_if_any()
    return experts


def read_units(source: str | Path | bytes, filename: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of the units of a round, from any sheet with 单位编码 and 单位名称."""
    table = find_table(source, {"unit_code": UNIT_CODE, "unit_name": UNIT_NAME}, {}, filename)
    out = _Collector(table.filename)
    units = []
    for row, cells in table.rows:
        code = out.text(table, row, cells, "unit_code", code=True)
        if code:
            units.append((code, out.text(table, row, cells, "unit_name", required=False)))
    out.raise_if_any()
    return units


def read_recusals(source: str | Path | bytes, filename: str | None = None) -> list[Recusal]:
    """The recusal list (回避名单): columns 专家, 单位编码 and (optional) 原因."""
    table = find_table(
        source, {"expert": EXPERT, "unit_code": UNIT_CODE}, {"reason": REASON}, filename
    )
    out = _Collector(table.filename)
    recusals = []
    for row, cells in table.rows:
        expert = out.text(table, row, cells, "expert")
        code = out.text(table, row, cells, "unit_code", code=True)
        if expert and code:
            reason = out.text(table, row, cells, "reason", required=False)
            recusals.append(Recusal(expert, code, reason))
    out.raise_if_any()
    return recusals


def item_header(code: str, name: str, maximum: float, lang: str = "zh") -> str:
    """The column header of an item: code, name and maximum (the reader takes the code)."""
    return gettext("{code} {name} (max {top})", lang).format(
        code=code, name=name, top=show(maximum)
    )


def write_expert_sheet(
    scheme: Scheme,
    path: str | Path,
    experts: Sequence[Expert],
    units: Sequence[tuple[str, str]],
    recusals: Iterable[Recusal] = (),
    lang: str = "zh",
) -> int:
    """Write the scoring workbook: experts x units x qualitative items; returns the rows.

    An expert of a panel gets only his panel's items as white input cells (the others are
    grey, to be left empty); a recused expert gets no row for that unit.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    items = scoring_items(scheme)
    if not items:
        raise DataError([Problem("experts.no_items", params={"scheme": scheme.code})])
    rules = expert_rules(scheme)
    recused = {(r.expert, r.unit_code) for r in recusals}
    wb = Workbook()
    ws = wb.active
    ws.title = gettext(EXPERT_SHEET, lang)
    fixed = [
        pgettext("template heading", "panel", lang),
        pgettext("template heading", "expert", lang),
        gettext("unit code", lang),
        gettext("unit name", lang),
    ]
    keys = ["panel", "expert", "unit_code", "unit_name"]
    title = gettext("{name}: expert score sheet (scheme {code}, version {version})", lang).format(
        name=scheme.name_for(lang), code=scheme.code, version=scheme.version
    )
    ws.cell(1, 1, title).font = Font(bold=True, size=13)
    grey = PatternFill("solid", fgColor="D9D9D9")
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for j, text in enumerate(fixed + [item_header(i.code, i.name, i.max, lang) for i in items]):
        cell = ws.cell(2, j + 1, text)
        cell.font, cell.fill = Font(bold=True), header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(j + 1)].width = 14 if j < 4 else 22
    for j, key in enumerate(keys + [i.code for i in items]):
        ws.cell(3, j + 1, key).font = Font(color="808080", size=8)  # the reader's keys
    row = 4
    for expert in experts:
        allowed = _panel_items(rules, expert.panel, items)
        for code, name in units:
            if (expert.name, code) in recused:
                continue
            for j, value in enumerate([expert.panel, expert.name, code, name]):
                ws.cell(row, j + 1, value).number_format = "@"
            for j, item in enumerate(items):
                if item.code not in allowed:
                    ws.cell(row, 5 + j).fill = grey
            row += 1
    last = max(row - 1, 4)
    for j, item in enumerate(items):
        letter = get_column_letter(5 + j)
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=show(item.max),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=gettext("Score out of range", lang),
            error=gettext("Expected 0 to {max} points", lang).format(max=show(item.max)),
            promptTitle=item.code,
            prompt=gettext("Maximum {max} points", lang).format(max=show(item.max)),
        )
        dv.add(f"{letter}4:{letter}{last}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "E4"
    _write_item_notes(wb.create_sheet(gettext("Scoring notes", lang)), items, rules, lang)
    wb.save(path)
    return row - 4


def _panel_items(rules: Any, panel: str, items: Sequence[Any]) -> set[str]:
    for p in rules.panels:
        if p.code == panel or p.name == panel:
            return set(p.items)
    return {i.code for i in items}


def _write_item_notes(ws: Any, items: Sequence[Any], rules: Any, lang: str) -> None:
    rule_text = {
        "mean": gettext("arithmetic mean", lang),
        "median": gettext("median", lang),
        "trimmed_mean": gettext(
            "the mean without the highest and the lowest score (with {n} experts or more)", lang
        ).format(n=rules.trim_min_experts),
    }[rules.rule]
    lines = [
        [pgettext("template heading", "Notes", lang)],
        [
            gettext(
                "One row per expert and unit; grey cells belong to another panel than the "
                "expert's: leave them empty.",
                lang,
            )
        ],
        [
            gettext(
                "Scores lie between 0 and the item's maximum; units an expert is recused from "
                "are not listed and may not be added.",
                lang,
            )
        ],
        [
            gettext(
                # xgettext:no-python-format
                "Combined by: {rule}; a disagreement ({measure}) above {threshold}% of the "
                "maximum asks for a review.",
                lang,
            ).format(
                rule=rule_text,
                measure=rules.dispersion,
                threshold=show(rules.dispersion_threshold),
            )
        ],
        [],
        [
            pgettext("template heading", "item code", lang),
            pgettext("template heading", "item name", lang),
            pgettext("template heading", "maximum", lang),
            pgettext("template heading", "panel", lang),
        ],
    ]
    for item in items:
        panel = rules.panel_of(item.code)
        lines.append([item.code, item.name, item.max, panel.name if panel else ""])
    for line in lines:
        ws.append(line)
    ws.column_dimensions["B"].width = 40


def read_expert_scores(
    scheme: Scheme, source: str | Path | bytes, filename: str | None = None
) -> list[ExpertScore]:
    """Every filled score of a scoring sheet (empty cells: not scored).

    Raises
    ------
    DataError
        Missing columns, empty expert or unit, or a score that is not a number. Ranges
        and recusals are checked by :func:`kaoping.scoring.experts.validate_scores`.
    """
    items = scoring_items(scheme)
    item_aliases = {
        i.code: (
            i.code,
            item_header(i.code, i.name, i.max),
            item_header(i.code, i.name, i.max, "en"),
        )
        for i in items
    }
    table = find_table(
        source,
        {"expert": EXPERT, "unit_code": UNIT_CODE},
        {"panel": PANEL, "unit_name": UNIT_NAME},
        filename,
    )
    # An item column is headed by its code alone or "code name...".
    for j, header in enumerate(table.headers):
        first = header.split(" ")[0].split("（")[0] if header else ""
        if first in item_aliases and first not in table.columns:
            table.columns[first] = j
    if not any(i.code in table.columns for i in items):
        raise DataError(
            [
                Problem(
                    "assessment.missing_column",
                    file=table.filename,
                    params={"label": Listing(tuple(i.code for i in items))},
                )
            ]
        )
    out = _Collector(table.filename)
    scores = []
    for row, cells in table.rows:
        expert = out.text(table, row, cells, "expert")
        code = out.text(table, row, cells, "unit_code", code=True)
        panel = out.text(table, row, cells, "panel", required=False)
        for item in items:
            if item.code not in table.columns:
                continue
            expected = Text(gettext_noop("0 to {max} points"), {"max": show(item.max)})
            value = out.number(table, row, cells, item.code, expected, required=False)
            if value is not None and expert and code:
                scores.append(
                    ExpertScore(
                        expert=expert,
                        unit_code=code,
                        item=item.code,
                        score=value,
                        panel=panel,
                        source=table.filename,
                        row=row,
                        column=table.header(item.code),
                    )
                )
    out.raise_if_any()
    return scores


# --- targets and adjustments ----------------------------------------------------------------


def read_targets(source: str | Path | bytes, filename: str | None = None) -> list[Target]:
    """Targets of the responsibility letters, one row per unit and target.

    Columns: 单位编码, 目标代码, 目标值; optional 单位名称, 年度, 目标名称, 权重, 方向
    (越高越好 / 越低越好), 目标类型 (累计 / 控制线), the decomposition plan 第一季度..第四季度
    or 1月..12月, 实际完成 and 截至期 (Q1..Q4 or 1..12; empty: year end).

    Without 目标类型, a target whose name holds 率 or % (a rate, such as the registered
    unemployment rate) is a level target (控制线: never pro-rated); any other is cumulative.
    """
    optional: dict[str, Sequence[str]] = {
        "unit_name": UNIT_NAME,
        "year": YEAR,
        "name": TARGET_NAME,
        "weight": WEIGHT,
        "direction": DIRECTION,
        "actual": ACTUAL,
        "through": THROUGH,
        "kind": TARGET_KIND,
    }
    optional.update({f"q{n}": aliases for n, aliases in enumerate(QUARTERS, start=1)})
    optional.update({f"m{n}": aliases for n, aliases in enumerate(MONTHS, start=1)})
    table = find_table(
        source,
        {"unit_code": UNIT_CODE, "key": TARGET_KEY, "value": TARGET_VALUE},
        optional,
        filename,
    )
    out = _Collector(table.filename)
    number = gettext_lazy("a number")
    targets = []
    for row, cells in table.rows:
        code = out.text(table, row, cells, "unit_code", code=True)
        key = out.text(table, row, cells, "key")
        value = out.number(table, row, cells, "value", gettext_lazy("a number above 0"))
        year = _optional_number(out, table, row, cells, "year", gettext_lazy("a year"))
        weight = _optional_number(out, table, row, cells, "weight", number)
        actual = _optional_number(out, table, row, cells, "actual", number)
        direction = _direction(out, table, row, cells)
        plan = _plan(out, table, row, cells)
        name = out.text(table, row, cells, "name", required=False)
        kind = _target_kind(out, table, row, cells, name)
        if code and key and value is not None:
            targets.append(
                Target(
                    unit_code=code,
                    key=key,
                    value=value,
                    year=int(year) if year is not None else None,
                    name=name,
                    kind=kind,
                    unit_name=out.text(table, row, cells, "unit_name", required=False),
                    weight=1.0 if weight is None else weight,
                    direction=direction,
                    plan=plan,
                    actual=actual,
                    through=out.text(table, row, cells, "through", required=False) or None,
                    source=table.filename,
                    row=row,
                )
            )
    out.raise_if_any()
    return targets


def _optional_number(
    out: _Collector, table: Table, row: int, cells: list[Any], role: str, expected: Localisable
) -> float | None:
    if role not in table.columns:
        return None
    return out.number(table, row, cells, role, expected, required=False)


def _target_kind(out: _Collector, table: Table, row: int, cells: list[Any], name: str) -> str:
    text = out.text(table, row, cells, "kind", required=False)
    if not text:
        return "level" if ("率" in name or "%" in name) else "cumulative"
    if text.lower() not in TARGET_KINDS:
        out.add("targets.bad_kind", row, table.header("kind"), text)
        return "cumulative"
    return TARGET_KINDS[text.lower()]


def _direction(out: _Collector, table: Table, row: int, cells: list[Any]) -> str:
    text = out.text(table, row, cells, "direction", required=False)
    if not text:
        return "higher"
    if text.lower() not in DIRECTIONS:
        out.add(
            "assessment.not_a_number",
            row,
            table.header("direction"),
            text,
            expected=gettext_lazy("higher or lower"),
        )
        return "higher"
    return DIRECTIONS[text.lower()]


def _plan(out: _Collector, table: Table, row: int, cells: list[Any]) -> tuple[float, ...]:
    """The decomposition plan: the quarter columns, else the month columns, else none."""
    for prefix, count in (("q", 4), ("m", 12)):
        roles = [f"{prefix}{n}" for n in range(1, count + 1)]
        present = [r for r in roles if r in table.columns]
        if not present:
            continue
        values = [
            out.number(table, row, cells, r, gettext_lazy("a number"), required=False)
            for r in present
        ]
        if all(v is None for v in values):
            return ()
        return tuple(0.0 if v is None else v for v in values)
    return ()


def read_adjustments(
    source: str | Path | bytes, filename: str | None = None
) -> list[AdjustmentEntry]:
    """Bonus and deduction entries: 单位编码, 分值 (+ / −), 事由, 依据文件 (optional)."""
    table = find_table(
        source,
        {"unit_code": UNIT_CODE, "points": POINTS},
        {"reason": ADJ_REASON, "reference": REFERENCE, "unit_name": UNIT_NAME},
        filename,
    )
    out = _Collector(table.filename)
    entries = []
    for row, cells in table.rows:
        code = out.text(table, row, cells, "unit_code", code=True)
        points = out.number(table, row, cells, "points", gettext_lazy("points, e.g. 2 or -1"))
        if code and points is not None:
            entries.append(
                AdjustmentEntry(
                    unit_code=code,
                    points=points,
                    reason=out.text(table, row, cells, "reason", required=False),
                    reference=out.text(table, row, cells, "reference", required=False),
                    source=table.filename,
                    row=row,
                )
            )
    out.raise_if_any()
    return entries


COEFFICIENT = ("分配系数", "coefficient", "系数")
TOTAL = ("总分", "total", "得分")
KIND = ("类别", "kind", "对象类别")
TIER = ("获奖档次", "tier", "档次", "奖项")
KINDS = {"单位": "unit", "unit": "unit", "个人": "individual", "individual": "individual"}


RANK = ("总排名", "rank", "排名")


def read_recipients(source: str | Path | bytes, filename: str | None = None) -> list[Recipient]:
    """Recipients of the reward fund: 单位编码, 分配系数; optional 单位名称, 总分, 获奖档次,
    总排名, 类别 (单位 / 个人). Rows with an empty 获奖档次 (when the column exists) are not
    winners.

    This reads what ``kaoping awards -o`` writes (JSON, CSV or XLSX), or a list made by hand.
    """
    document = _awards_json(source)
    if document is not None:
        return [
            Recipient(
                code=str(u["code"]),
                name=str(u.get("name") or u["code"]),
                coefficient=float(u.get("coefficient") or 0.0),
                score=u.get("total"),
                tier=str(u["tier"]),
                rank=u.get("rank"),
                source=_name(source),
            )
            for u in document["units"]
            if u.get("tier")
        ]
    table = find_table(
        source,
        {"unit_code": UNIT_CODE, "coefficient": COEFFICIENT},
        {"unit_name": UNIT_NAME, "total": TOTAL, "kind": KIND, "tier": TIER, "rank": RANK},
        filename,
    )
    out = _Collector(table.filename)
    recipients = []
    for row, cells in table.rows:
        tier = out.text(table, row, cells, "tier", required=False)
        if "tier" in table.columns and not tier:
            continue
        code = out.text(table, row, cells, "unit_code", code=True)
        coefficient = out.number(
            table, row, cells, "coefficient", gettext_lazy("a number of 0 or more")
        )
        total = _optional_number(out, table, row, cells, "total", gettext_lazy("a number"))
        rank = _optional_number(out, table, row, cells, "rank", gettext_lazy("a rank"))
        kind_text = out.text(table, row, cells, "kind", required=False) or "unit"
        kind = KINDS.get(kind_text.lower())
        if kind is None:
            out.add(
                "assessment.not_a_number",
                row,
                table.header("kind"),
                kind_text,
                expected=gettext_lazy("unit or individual"),
            )
        if code and coefficient is not None and kind is not None:
            recipients.append(
                Recipient(
                    code=code,
                    name=out.text(table, row, cells, "unit_name", required=False) or code,
                    coefficient=coefficient,
                    score=total,
                    kind=kind,
                    tier=tier,
                    source=table.filename,
                    row=row,
                    rank=int(rank) if rank is not None else None,
                )
            )
    out.raise_if_any()
    return recipients


def read_register(source: str | Path, units: str | Path | None = None) -> list[str]:
    """The unit codes of the round's register (被考核单位名单), to check who gets money.

    From ``units`` (a unit list or the base data) when given; else from ``source`` when it
    is what ``kaoping awards`` wrote (it lists every unit of the round, winners or not).

    Raises
    ------
    DataError
        ``allocation.no_register`` when neither gives the register.
    """
    if units is not None:
        return [code for code, _ in read_units(units)]
    document = _awards_json(source)
    if document is not None:
        return [str(u["code"]) for u in document["units"]]
    try:
        table = find_table(source, {"unit_code": UNIT_CODE, "rank": RANK, "tier": TIER})
    except DataError:
        raise DataError([Problem("allocation.no_register", file=_name(source))]) from None
    out = _Collector(table.filename)
    codes = [out.text(table, row, cells, "unit_code", code=True) for row, cells in table.rows]
    out.raise_if_any()
    return [c for c in codes if c]


def _awards_json(source: str | Path | bytes) -> dict[str, Any] | None:
    """The JSON document of ``kaoping awards`` (a dict with ``units``), else None."""
    if not isinstance(source, (str, Path)) or Path(source).suffix.lower() != ".json":
        return None
    import json

    try:
        document = json.loads(Path(source).read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(
            [Problem("assessment.bad_json", file=_name(source), params={"reason": str(exc)})]
        ) from None
    units = document.get("units") if isinstance(document, dict) else None
    if not isinstance(units, list) or not all(isinstance(u, dict) and "code" in u for u in units):
        raise DataError(
            [Problem("assessment.bad_json", file=_name(source), params={"reason": "units"})]
        )
    return cast("dict[str, Any]", document)


def _name(source: str | Path | bytes) -> str | None:
    return Path(source).name if isinstance(source, (str, Path)) else None


# --- result workbooks -----------------------------------------------------------------------


def write_rows_xlsx(
    path: str | Path,
    sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]],
    *,
    title: str = "",
    totals: Sequence[str] = (),
    lang: str = "zh",
) -> None:
    """Write sheets of plain rows (a header row, then values) to an .xlsx file, for finance
    staff (:mod:`kaoping.tables.sheets`): a title row, numbers as numbers in their format,
    是/否, and a 合计 row summing the columns named in ``totals``."""
    from openpyxl import Workbook

    from kaoping.tables.sheets import Column, write_sheet

    wb = Workbook()
    wb.remove(wb.active)
    for name, (headers, rows) in sheets.items():
        rows = [list(r) for r in rows]
        columns = [
            Column(h, _kind_of([r[j] for r in rows if j < len(r)]), h in totals)
            for j, h in enumerate(headers)
        ]
        write_sheet(wb.create_sheet(name[:31]), title or name, columns, rows, lang=lang)
    wb.save(path)


def _kind_of(values: Sequence[Any]) -> str:
    """The display kind of a column of plain values: 是/否, whole numbers, decimals, text."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "bool"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "people"
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "number"
    return "text"


def _safe(value: Any) -> Any:
    """Text that Excel would run as a formula is written as text (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
