"""What a loaded evaluation scheme (评价方案) is: fields, the indicator tree, rules, grades.

Weights are stored as fractions of their parent (siblings sum to 1); files may write them as
percent (20) or fractions (0.2). Loading and validation: :mod:`kaoping.scoring.schemes.loader`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from kaoping.scoring.formulas import Condition, Formula
from kaoping.scoring.i18n import gettext, gettext_noop, pgettext

FIELD_TYPES = ("text", "year", "amount", "rate", "count", "number", "factor", "score")
# Who gives a field's value: the evaluated unit (its base-data template), or the evaluator
# for the whole round (e.g. the price correction factor, set with the scheme, never by the
# unit it favours).
FIELD_SOURCES = ("unit", "evaluator")
NUMERIC_TYPES = ("year", "amount", "rate", "count", "number", "factor", "score")
DIRECTIONS = ("higher", "lower")
# What an indicator that is missing or not applicable for a unit counts as: left out with its
# siblings' weights renormalised, 0 points, or the mean score of the units where it applies.
NA_POLICIES = ("renormalise", "zero", "mean")
SD_KINDS = ("population", "sample")
STANDARD_BASES = ("value", "score")
KINDS = ("quantitative", "qualitative")
# The four kinds of assessed object of the Beijing measures (article 2), plus the notice's.
OBJECT_KINDS = ("district", "member_unit", "outstanding", "loan_institution", "project")

# Sections that later parts of the system read from the scheme (awards, expert rules, ...);
# the loader keeps them in ``Scheme.sections`` and their own modules validate them.
EXTENSION_SECTIONS = {
    "awards",
    "experts",
    "adjustments",
    "veto",
    "special_awards",
    "report",
    "plausibility",  # warnings for unlikely values: kaoping.tables.plausibility (issue 11)
}

WEIGHT_TOLERANCE = 1e-6
# What a cell of each kind of field holds, in words (FieldSpec.expected).
_NUMBER_TEXT = gettext_noop("a number")
_KIND_TEXT = {
    "year": gettext_noop("a year"),
    "count": gettext_noop("a whole number"),
    "rate": gettext_noop("a percent (1.46 for 1.46%)"),
    "factor": gettext_noop("a factor"),
}
# Units of measure as English readers know them: the keys are what the scheme files write
# (data, matched as written), the values their English names.
UNITS_EN = {
    "万元": "10,000 yuan",
    "元": "yuan",
    "人": "people",
    "人/万元": "people per 10,000 yuan",
}

HEADER_KEYS = frozenset(
    {
        "code",
        "name",
        "name_en",
        "version",
        "year",
        "applies_to",
        "source",
        "description",
        "assumptions",
        "extends",
        "notice_rules",
    }
)
# The notice's own weight rule (财社〔2012〕17号: W3 + W4 > 50%), as mof-2012 writes it; a
# scheme derived from it keeps it unless its header says ``notice_rules = false`` (it is not
# a 财社〔2012〕17号 evaluation).
NOTICE_CONSTRAINT = "C+D>50"


@dataclass(frozen=True)
class FieldSpec:
    """A column of the base-data table (附件2)."""

    key: str
    label: str
    type: str = "number"
    unit: str = ""
    label_en: str = ""
    min: float | None = None
    max: float | None = None
    required: bool = True
    default: float | None = None
    description: str = ""
    source: str = "unit"

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    def label_for(self, lang: str) -> str:
        return (self.label_en or self.key) if lang == "en" else self.label

    def expected(self, lang: str = "zh") -> str:
        """What a valid cell holds, in words (used in messages and the template)."""
        if self.type == "text":
            return pgettext("kind of value", "text", lang)
        kind = gettext(_KIND_TEXT.get(self.type, _NUMBER_TEXT), lang)
        text = f"{kind}{_bounds_text(self.min, self.max, lang)}"
        unit = "" if self.unit in ("", "%") else self.unit
        if not unit:
            return text
        unit = UNITS_EN.get(unit, unit) if lang == "en" else unit
        return gettext("{value} ({unit})", lang).format(value=text, unit=unit)


@dataclass(frozen=True)
class Standards:
    """Minimum / excellent standards (最低标准 / 优异标准) of an indicator.

    Worse than the minimum deducts ``minimum_points``; better than the excellent standard adds
    ``excellent_points``. ``basis`` says whether the thresholds apply to the indicator's value
    (default) or to its score.
    """

    minimum: float | None = None
    minimum_points: float = 0.0
    excellent: float | None = None
    excellent_points: float = 0.0
    basis: str = "value"

    @property
    def any(self) -> bool:
        return self.minimum is not None or self.excellent is not None


@dataclass(frozen=True)
class GroupSpec:
    """An indicator group (一级指标 or deeper); ``parent`` is None at the top."""

    code: str
    name: str
    weight: float
    parent: str | None = None
    name_en: str = ""
    aggregation: str | None = None  # None: the scheme's scoring.aggregation

    def name_for(self, lang: str) -> str:
        return (self.name_en or self.name) if lang == "en" else self.name


@dataclass(frozen=True)
class IndicatorSpec:
    """A leaf of the tree: its formula and how its value becomes a 100-point score."""

    code: str
    name: str
    group: str
    weight: float
    formula: Formula
    direction: str = "higher"
    normalisation: str = "zscore"
    params: Mapping[str, Any] = field(default_factory=dict)
    missing: str | None = None  # None: the scheme's scoring.not_applicable
    standards: Standards = field(default_factory=Standards)
    unit: str = ""
    kind: str = "quantitative"
    name_en: str = ""
    description: str = ""
    # How documents write the value (kaoping.scoring.display): "" lets the unit decide.
    display: str = ""
    # The formula is a lower-is-better quantity times -1 (the notice's 失业率（乘 -1）):
    # documents write the quantity itself and call the indicator reverse (逆向指标).
    negated: bool = False
    display_name: str = ""  # the name in running text, when the formal name is awkward
    display_name_en: str = ""

    def name_for(self, lang: str) -> str:
        return (self.name_en or self.name) if lang == "en" else self.name


@dataclass(frozen=True)
class GradeBand:
    """A grade (等级) for totals at or above ``min``."""

    name: str
    min: float
    name_en: str = ""

    def name_for(self, lang: str) -> str:
        return (self.name_en or self.name) if lang == "en" else self.name


@dataclass(frozen=True)
class ScoringRules:
    """How values become scores, unless an indicator says otherwise.

    Default: the notice's z-score, mapped to ``base + scale * z`` and clamped to
    ``[floor, cap]``; population standard deviation; not-applicable indicators left out and
    their siblings' weights renormalised.
    """

    normalisation: str = "zscore"
    sd: str = "population"
    base: float = 80.0
    scale: float = 10.0
    floor: float = 0.0
    cap: float = 100.0
    not_applicable: str = "renormalise"
    tie_decimals: int = 6
    # Composite-indicator options (kaoping.scoring.composite); the notice uses none of them.
    imputation: str = "none"
    imputation_group: str | None = None  # a field holding each unit's group; None: all units
    treatment: str = "none"
    winsorise_limit: int = 5
    skew_max: float = 2.0
    kurtosis_max: float = 3.5
    aggregation: str = "arithmetic"


@dataclass(frozen=True)
class CheckRule:
    """A cross-field rule on the base data, e.g. the nine policy items <= fund expenditure."""

    condition: Condition
    label: str
    label_en: str = ""


@dataclass(frozen=True)
class Scheme:
    """A loaded, validated evaluation scheme."""

    code: str
    name: str
    version: str
    year: int | None
    fields: tuple[FieldSpec, ...]
    groups: tuple[GroupSpec, ...]
    indicators: tuple[IndicatorSpec, ...]
    scoring: ScoringRules = field(default_factory=ScoringRules)
    grades: tuple[GradeBand, ...] = ()
    constraints: tuple[str, ...] = ()
    checks: tuple[CheckRule, ...] = ()
    applies_to: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    description: str = ""
    source: str = ""
    name_en: str = ""
    sections: Mapping[str, Any] = field(default_factory=dict)
    path: str | None = None
    sha256: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # --- look-ups ---------------------------------------------------------------------
    def field(self, key: str) -> FieldSpec:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def indicator(self, code: str) -> IndicatorSpec:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    def group(self, code: str) -> GroupSpec:
        for g in self.groups:
            if g.code == code:
                return g
        raise KeyError(code)

    def children(self, parent: str | None) -> list[GroupSpec | IndicatorSpec]:
        """Groups and indicators directly under ``parent`` (None: the top level)."""
        kids: list[GroupSpec | IndicatorSpec] = [g for g in self.groups if g.parent == parent]
        if parent is not None:
            kids += [i for i in self.indicators if i.group == parent]
        return kids

    @property
    def top_groups(self) -> list[GroupSpec]:
        return [g for g in self.groups if g.parent is None]

    def walk(self, parent: str | None = None, depth: int = 0) -> Iterator[tuple[int, Any]]:
        """Depth-first walk of the tree: (depth, node)."""
        for node in self.children(parent):
            yield depth, node
            if isinstance(node, GroupSpec):
                yield from self.walk(node.code, depth + 1)

    def path_to(self, code: str) -> list[str]:
        """Codes from the top group down to ``code``."""
        node: Any = self.indicator(code) if code in self.indicator_codes else self.group(code)
        chain = [node.code]
        parent = node.group if isinstance(node, IndicatorSpec) else node.parent
        while parent is not None:
            chain.append(parent)
            parent = self.group(parent).parent
        return chain[::-1]

    def absolute_weight(self, code: str) -> float:
        """Product of the weights from the top down: the share of the total."""
        weight = 1.0
        for c in self.path_to(code):
            node = self.indicator(c) if c in self.indicator_codes else self.group(c)
            weight *= node.weight
        return weight

    @property
    def indicator_codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    @property
    def input_fields(self) -> list[FieldSpec]:
        """Fields a unit fills in (not the identifying columns, not the evaluator's)."""
        return [
            f
            for f in self.fields
            if f.key not in ("unit_code", "unit_name", "year") and f.source == "unit"
        ]

    @property
    def qualitative_indicators(self) -> list[IndicatorSpec]:
        return [i for i in self.indicators if i.kind == "qualitative"]

    def grade_for(self, total: float) -> GradeBand | None:
        for band in self.grades:
            if total >= band.min - 1e-9:
                return band
        return None

    def name_for(self, lang: str) -> str:
        return (self.name_en or self.name) if lang == "en" else self.name


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _bounds_text(lo: float | None, hi: float | None, lang: str) -> str:
    if lo is not None and hi is not None:
        return gettext(" from {min} to {max}", lang).format(min=_fmt(lo), max=_fmt(hi))
    if lo is not None:
        return gettext(" of at least {min}", lang).format(min=_fmt(lo))
    if hi is not None:
        return gettext(" of at most {max}", lang).format(max=_fmt(hi))
    return ""
