"""Problems found in schemes and base data, and their messages in Chinese and English.

Every rule that rejects input raises or reports a :class:`Problem`: a message code plus the
place (file, row as the user sees it, column header) and the offending value. The text is
rendered late, in the user's language, so the command line (``--lang``) and the web
application (Django's active language) show the same message for the same rule.

The scoring core cannot use Django's i18n, so the catalogue lives here, as plain dicts.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_LANGUAGE = "zh"
LANGUAGES = ("zh", "en")


def language_from_environment(explicit: str | None = None) -> str:
    """Choose ``zh`` or ``en``: an explicit choice wins, then an English ``LANG``.

    Examples
    --------
    >>> language_from_environment("en")
    'en'
    """
    if explicit:
        return "en" if explicit.lower().startswith("en") else "zh"
    for var in ("KAOPING_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return "en" if value.lower().startswith("en") else "zh"
    return DEFAULT_LANGUAGE


# Each entry: code -> (Chinese template, English template). Templates use str.format with
# the problem's params plus ``value`` and ``expected`` when given.
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- scheme files -------------------------------------------------------------
    "scheme.unreadable": ("无法读取方案文件：{reason}", "cannot read the scheme file: {reason}"),
    "scheme.toml": (
        "方案文件格式错误（TOML）：{reason}",
        "the scheme file is not valid TOML: {reason}",
    ),
    "scheme.not_found": (
        "找不到方案“{code}”；可用的内置方案：{available}",
        "no scheme “{code}”; built-in schemes: {available}",
    ),
    "scheme.missing_key": ("缺少必填项“{key}”", "the required item “{key}” is missing"),
    "scheme.bad_type": ("“{key}”应为{expected}", "“{key}” should be {expected}"),
    "scheme.bad_choice": (
        "“{key}”的值“{value}”无效，应为：{expected}",
        "“{key}” is “{value}”, expected one of: {expected}",
    ),
    "scheme.unknown_key": ("未知的项“{key}”", "unknown item “{key}”"),
    "scheme.duplicate_code": ("编码“{code}”重复", "the code “{code}” is used twice"),
    "scheme.unknown_parent": (
        "“{code}”的上级“{parent}”不存在",
        "the parent “{parent}” of “{code}” does not exist",
    ),
    "scheme.cycle": (
        "指标组“{code}”的上下级关系形成循环",
        "the group “{code}” is its own ancestor",
    ),
    "scheme.empty_group": ("指标组“{code}”没有下级指标", "the group “{code}” has no indicators"),
    "scheme.no_indicators": ("方案没有任何指标", "the scheme has no indicators"),
    "scheme.weights_sum": (
        "“{parent}”下各项权重之和为 {total}，应为 100%（{children}）",
        "the weights under “{parent}” sum to {total}, expected 100% ({children})",
    ),
    "scheme.weight_range": (
        "“{code}”的权重 {value} 无效，应大于 0",
        "the weight {value} of “{code}” is invalid, expected more than 0",
    ),
    "scheme.constraint": (
        "权重约束“{rule}”不成立（{detail}）",
        "the weight constraint “{rule}” does not hold ({detail})",
    ),
    "scheme.constraint_syntax": (
        "权重约束“{rule}”无法理解：{reason}",
        "cannot read the weight constraint “{rule}”: {reason}",
    ),
    "scheme.formula": (
        "指标“{code}”的公式“{formula}”有误：{reason}",
        "the formula “{formula}” of “{code}” is wrong: {reason}",
    ),
    "scheme.bounds": (
        "字段“{key}”的下限 {min} 大于上限 {max}",
        "the field “{key}” has its minimum {min} above its maximum {max}",
    ),
    "scheme.standards": (
        "指标“{code}”的标准有误：{reason}",
        "the standards of “{code}” are wrong: {reason}",
    ),
    "scheme.grades": ("等级划分有误：{reason}", "the grade bands are wrong: {reason}"),
    "scheme.normalisation_param": (
        "指标“{code}”的标准化参数有误：{reason}",
        "the normalisation parameters of “{code}” are wrong: {reason}",
    ),
    # --- formulas (reasons inside scheme.formula) -----------------------------------
    "formula.syntax": ("语法错误，位置 {position}", "syntax error at position {position}"),
    "formula.unknown_name": (
        "使用了未声明的字段“{name}”",
        "uses the undeclared field “{name}”",
    ),
    "formula.unknown_function": (
        "不支持函数“{name}”（可用：sum、min、max、abs）",
        "unsupported function “{name}” (available: sum, min, max, abs)",
    ),
    "formula.not_allowed": (
        "不允许的写法“{what}”（只允许 + - * / 、括号、数字、字段名和 sum/min/max/abs）",
        "“{what}” is not allowed (only + - * /, parentheses, numbers, fields, sum/min/max/abs)",
    ),
    "formula.arity": (
        "函数“{name}”的参数个数不对",
        "wrong number of arguments to “{name}”",
    ),
    # --- base-data tables ---------------------------------------------------------
    "data.unreadable": ("无法读取文件：{reason}", "cannot read the file: {reason}"),
    "data.unsupported_format": (
        "不支持的文件类型“{suffix}”，请使用 .xlsx 或 .csv",
        "unsupported file type “{suffix}”, use .xlsx or .csv",
    ),
    "data.encoding": (
        "文件编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV，或 .xlsx",
        "unknown text encoding: save as UTF-8 or GB18030 CSV, or as .xlsx",
    ),
    "data.empty": ("文件没有任何数据行", "the file has no data rows"),
    "data.no_header": (
        "找不到表头行：前 10 行中没有一行主要由方案的字段名称或代码组成（例如{examples}）",
        "no header row: none of the first 10 rows names mostly fields of the scheme "
        "(such as {examples})",
    ),
    "data.missing_column": (
        "缺少列“{label}”（{key}）",
        "the column “{label}” ({key}) is missing",
    ),
    "data.unknown_column": (
        "无法识别的列“{column}”，应为方案中的字段",
        "unknown column “{column}”, expected a field of the scheme",
    ),
    "data.duplicate_column": (
        "列“{column}”与前面的列“{first}”是同一字段，请删除其中一列",
        "the column “{column}” is the same field as the earlier column “{first}”: delete one",
    ),
    "data.unnamed_column": (
        "该列有数据（如“{value}”）但没有表头，请填写字段名称或删除该列",
        "this column holds data (such as “{value}”) but has no header: name it or delete it",
    ),
    "data.required": (
        "必填，不能为空，应为{expected}",
        "is required and empty: expected {expected}",
    ),
    "data.not_a_number": (
        "值“{value}”不是数字，应为{expected}",
        "“{value}” is not a number, expected {expected}",
    ),
    "data.below_min": (
        "值 {value} 小于下限，应为{expected}",
        "{value} is below the minimum, expected {expected}",
    ),
    "data.above_max": (
        "值 {value} 大于上限，应为{expected}",
        "{value} is above the maximum, expected {expected}",
    ),
    "data.not_integer": (
        "值 {value} 不是整数，应为{expected}",
        "{value} is not a whole number, expected {expected}",
    ),
    "data.duplicate_unit": (
        "单位编码“{value}”重复（第 {first_row} 行已有）",
        "the unit code “{value}” is repeated (already on row {first_row})",
    ),
    "data.check_failed": (
        "{rule_label}：{left_value} 应{op_text} {right_value}",
        "{rule_label}: {left_value} should be {op_text} {right_value}",
    ),
    "data.too_many": (
        "问题过多，仅显示前 {shown} 条（共 {total} 条）",
        "too many problems: showing the first {shown} of {total}",
    ),
    "data.year_mismatch": (
        "年度 {value} 与其他行不一致，应为 {expected}",
        "the year {value} differs from the other rows, expected {expected}",
    ),
    # --- evaluation -----------------------------------------------------------------
    "eval.zero_denominator": ("分母为零，不适用", "zero denominator: not applicable"),
    "eval.missing_value": ("基础数据缺失，不适用", "base data missing: not applicable"),
    "eval.not_finite": ("计算结果不是有限数值，不适用", "the result is not a finite number"),
    "eval.no_applicable": (
        "指标“{code}”对所有单位都不适用",
        "the indicator “{code}” is not applicable to any unit",
    ),
    "eval.sd_zero": (
        "指标“{code}”各单位取值相同（标准差为 0），标准分均记为 0",
        "all units have the same value of “{code}” (sd 0): every z-score is 0",
    ),
    "eval.unit_all_na": (
        "单位“{unit}”没有任何可计算的指标",
        "the unit “{unit}” has no applicable indicator",
    ),
    "eval.unknown_unit": ("找不到单位“{unit}”", "no unit “{unit}”"),
    "eval.no_units": ("没有被评价单位", "there are no units to evaluate"),
    "eval.target_missing": (
        "目标值缺失或不大于 0，不适用",
        "the target is missing or not above 0: not applicable",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scheme, a table or an evaluation, and where it is.

    Parameters
    ----------
    code : str
        Key in :data:`CATALOGUE`.
    file : str, optional
        File name as the user knows it.
    row : int, optional
        Row number as the user sees it in the spreadsheet (header is row 1).
    column : str, optional
        Column header as written in the file, or the scheme item at fault.
    value : object, optional
        The offending value.
    expected : str, optional
        What would have been accepted, already in the user's language or language-neutral.
    params : mapping
        Further values for the message template.
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
        zh, en = CATALOGUE.get(self.code, (self.code, self.code))
        template = en if lang == "en" else zh
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
        if lang == "en":
            if self.file:
                parts.append(f"file {self.file}")
            if self.row is not None:
                parts.append(f"row {self.row}")
            if self.column:
                parts.append(f"column “{self.column}”")
            return ", ".join(parts)
        if self.file:
            parts.append(f"文件 {self.file}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"“{self.column}”列" if self.row is not None else f"“{self.column}”")
        return " ".join(parts)

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Place and message in one line, as shown to users."""
        place = self.place(lang)
        sep = ": " if lang == "en" else "："
        return f"{place}{sep}{self.text(lang)}" if place else self.text(lang)

    def as_dict(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "row": self.row,
            "column": self.column,
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


class Bilingual(str):
    """A text known in both languages, chosen at render time (e.g. a field label)."""

    en: str

    def __new__(cls, zh: str, en: str | None = None) -> Bilingual:
        obj = super().__new__(cls, zh)
        obj.en = en or zh
        return obj

    def pick(self, lang: str) -> str:
        return self.en if lang == "en" else str(self)


def _localise(value: Any, lang: str) -> Any:
    if isinstance(value, Bilingual):
        return value.pick(lang)
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
