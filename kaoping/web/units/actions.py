"""Importing units (code, name, parent code, level) from an Excel or CSV table."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from kaoping.scoring import DataError
from kaoping.tables import read_sheet
from kaoping.web.audit.log import record
from kaoping.web.units.models import Unit, UnitLevel

HEADERS = {
    "code": ("code", "unit_code", "单位编码", "编码", "代码"),
    "name": ("name", "unit_name", "单位名称", "名称"),
    "parent": ("parent", "parent_code", "上级编码", "上级单位编码"),
    "level": ("level", "级别", "层级"),
}
LEVEL_WORDS = {
    "省": "province",
    "市": "city",
    "直辖市": "province",
    "区": "county",
    "县": "county",
    "区县": "county",
    "其他": "other",
}


@dataclass(frozen=True)
class ImportProblem:
    row: int | None
    column: str
    value: str
    message: str


class UnitImportError(Exception):
    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


def do_import_units(content: bytes, filename: str, *, acting_user) -> int:
    """Create or update units from a table; every problem is reported before anything is saved."""
    try:
        sheet = read_sheet(content, filename)
    except DataError as exc:
        raise UnitImportError(
            [ImportProblem(None, "", "", p.render("zh")) for p in exc.problems]
        ) from None
    header = [str(c).strip() for c in sheet.rows[0]] if sheet.rows else []
    where = {
        key: next((i for i, h in enumerate(header) if h in names), None)
        for key, names in HEADERS.items()
    }
    problems = [
        ImportProblem(
            1, HEADERS[key][2], "", _("Missing column “%(column)s”.") % {"column": HEADERS[key][2]}
        )
        for key in ("code", "name")
        if where[key] is None
    ]
    if problems:
        raise UnitImportError(problems)
    rows = []
    codes_in_file = set()
    for number, cells in enumerate(sheet.rows[1:], start=2):

        def cell(key, cells=cells):
            i = where[key]
            value = cells[i] if i is not None and i < len(cells) else ""
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return str(value).strip()

        code, name, parent, level = cell("code"), cell("name"), cell("parent"), cell("level")
        if not any((code, name, parent, level)):
            continue
        if not code:
            problems.append(
                ImportProblem(number, HEADERS["code"][2], "", _("The unit code is empty."))
            )
        if not name:
            problems.append(
                ImportProblem(number, HEADERS["name"][2], "", _("The unit name is empty."))
            )
        if code in codes_in_file:
            problems.append(
                ImportProblem(number, HEADERS["code"][2], code, _("This code appears twice."))
            )
        level = LEVEL_WORDS.get(level, level) or UnitLevel.COUNTY
        if level not in UnitLevel.values:
            problems.append(
                ImportProblem(
                    number,
                    HEADERS["level"][2],
                    level,
                    _("Expected one of: province, city, county, other."),
                )
            )
        codes_in_file.add(code)
        rows.append((number, code, name, parent, level))
    known = set(Unit.objects.values_list("code", flat=True)) | codes_in_file
    for number, _code, _name, parent, _level in rows:
        if parent and parent not in known:
            problems.append(
                ImportProblem(
                    number, HEADERS["parent"][2], parent, _("No unit has this parent code.")
                )
            )
    if problems:
        raise UnitImportError(problems)
    with transaction.atomic():
        by_code = {u.code: u for u in Unit.objects.all()}
        for _n, code, name, _parent, level in rows:
            unit = by_code.get(code) or Unit(code=code)
            unit.name, unit.level = name, level
            unit.save()
            by_code[code] = unit
        for _n, code, _name, parent, _level in rows:
            if parent:
                Unit.objects.filter(pk=by_code[code].pk).update(parent=by_code[parent])
        record("units.import", acting_user, data={"file": filename, "units": len(rows)})
    return len(rows)
