"""Scheme files (评价方案): loading, every validation rule and its message, extends, fingerprint.

Each rule is checked on a real TOML file written to a temporary folder, and through the
message a user reads: it must name the file and the item at fault, in Chinese by default.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kaoping.scoring import SchemeError, builtin_scheme_codes, load_scheme
from kaoping.scoring.schemes import scheme_fingerprint, with_weights

# A small valid scheme, three levels deep: T > (P > (P1, P2), Q1) and S > S1.
BASE = """\
[scheme]
code = "demo"
name = "示例方案"
version = "1"
year = 2024

[[fields]]
key = "x"
label = "甲"
type = "amount"

[[fields]]
key = "y"
label = "乙"
type = "number"
min = 0
max = 10

[[groups]]
code = "T"
name = "顶层一"
weight = 60

[[groups]]
code = "S"
name = "顶层二"
weight = 40

[[groups]]
code = "P"
name = "中层"
parent = "T"
weight = 70

[[indicators]]
code = "P1"
name = "指标一"
group = "P"
weight = 50
formula = "x / y"

[[indicators]]
code = "P2"
name = "指标二"
group = "P"
weight = 50
formula = "x"

[[indicators]]
code = "Q1"
name = "指标三"
group = "T"
weight = 30
formula = "y"

[[indicators]]
code = "S1"
name = "指标四"
group = "S"
weight = 100
formula = "x + y"

[[grades]]
name = "优"
min = 90

[[grades]]
name = "差"
min = 0
"""


def write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(tmp_path: Path, text: str, name: str = "bad.toml") -> SchemeError:
    path = write(tmp_path, text, name)
    with pytest.raises(SchemeError) as info:
        load_scheme(path)
    return info.value


def line_for(err: SchemeError, code: str, lang: str = "zh") -> str:
    """The rendered message of the (first) problem with ``code``."""
    matching = [p for p in err.problems if p.code == code]
    assert matching, f"no {code} among {[p.code for p in err.problems]}"
    return matching[0].render(lang)


def assert_names(line: str, file_name: str, item: str, *fragments: str) -> None:
    assert file_name in line, line
    assert f"“{item}”" in line, line
    for fragment in fragments:
        assert fragment in line, line


# --- the valid scheme ---------------------------------------------------------------------


def test_valid_scheme_loads_with_weights_as_fractions(tmp_path):
    scheme = load_scheme(write(tmp_path, BASE, "demo.toml"))
    assert scheme.code == "demo" and scheme.version == "1" and scheme.year == 2024
    assert scheme.group("T").weight == pytest.approx(0.6)
    assert scheme.group("P").weight == pytest.approx(0.7)
    assert scheme.indicator("Q1").weight == pytest.approx(0.3)
    assert scheme.absolute_weight("P1") == pytest.approx(0.6 * 0.7 * 0.5)
    assert scheme.path_to("P2") == ["T", "P", "P2"]
    assert [b.name for b in scheme.grades] == ["优", "差"]
    # unit_code / unit_name are added when a scheme does not declare them
    assert [f.key for f in scheme.fields][:2] == ["unit_code", "unit_name"]


def test_percent_fraction_and_percent_strings_are_all_accepted(tmp_path):
    text = (
        BASE.replace("weight = 60", "weight = 0.6")
        .replace("weight = 40", "weight = 0.4")
        .replace("weight = 70", 'weight = "70%"')
    )
    scheme = load_scheme(write(tmp_path, text, "ok.toml"))
    assert scheme.group("T").weight == pytest.approx(0.6)
    assert scheme.group("S").weight == pytest.approx(0.4)
    assert scheme.group("P").weight == pytest.approx(0.7)


def test_mof_2012_defaults_are_the_documented_weights():
    scheme = load_scheme("mof-2012")
    weights = {g.code: round(g.weight * 100, 6) for g in scheme.groups}
    assert weights == {"A": 20, "B": 20, "C": 30, "D": 30}
    k = {i.code: round(i.weight * 100, 6) for i in scheme.indicators}
    assert k == {
        "A1": 40,
        "A2": 30,
        "A3": 30,
        "B1": 60,
        "B2": 40,
        "C1": 60,
        "C2": 40,
        "D1": 20,
        "D2": 20,
        "D3": 20,
        "D4": 20,
        "D5": 20,
    }
    assert scheme.constraints == ("C + D > 50",)
    assert scheme.scoring.base == 80 and scheme.scoring.scale == 10
    assert scheme.scoring.sd == "population"
    assert [(b.name, b.min) for b in scheme.grades] == [
        ("优", 90),
        ("良", 80),
        ("中", 60),
        ("差", 0),
    ]
    assert not any(i.standards.any for i in scheme.indicators)
    assert scheme.field("price_factor").default == 1
    assert "mof-2012" in builtin_scheme_codes()


# --- every rule, with the file and the item in the message ----------------------------------


def test_weights_not_summing_in_a_nested_group(tmp_path):
    err = errors(
        tmp_path,
        BASE.replace(
            'code = "P2"\nname = "指标二"\ngroup = "P"\nweight = 50',
            'code = "P2"\nname = "指标二"\ngroup = "P"\nweight = 40',
        ),
    )
    line = line_for(err, "scheme.weights_sum")
    assert_names(line, "bad.toml", "weights.P", "权重之和为 90", "应为 100%", "P1 50 + P2 40")
    assert len(err.problems) == 1  # the other sibling sets are fine


def test_mixing_percent_and_fraction_among_siblings_is_refused(tmp_path):
    err = errors(tmp_path, BASE.replace("weight = 60", "weight = 0.6"))
    line = line_for(err, "scheme.weights_sum")
    assert_names(line, "bad.toml", "weights.总分", "T 0.6 + S 40")


def test_top_level_sum_message_in_english(tmp_path):
    err = errors(tmp_path, BASE.replace("weight = 60", "weight = 50"))
    line = line_for(err, "scheme.weights_sum", "en")
    assert "file " in line and "bad.toml" in line
    assert "the weights under “the total” sum to 90, expected 100%" in line


def test_zero_or_text_weight_is_refused(tmp_path):
    err = errors(tmp_path, BASE.replace("weight = 60", "weight = 0"))
    assert_names(line_for(err, "scheme.weight_range"), "bad.toml", "groups.T", "权重 0 无效")
    err = errors(tmp_path, BASE.replace("weight = 60", 'weight = "六十"'))
    assert_names(line_for(err, "scheme.bad_type"), "bad.toml", "groups.T", "“weight”应为数字")


def test_constraint_violated_by_an_extending_file(tmp_path):
    text = """\
[scheme]
extends = "mof-2012"
code = "mof-2012-local"
version = "2024.1"

[weights]
A = 30
B = 30
C = 20
D = 20
"""
    err = errors(tmp_path, text, "local.toml")
    line = line_for(err, "scheme.constraint")
    assert_names(line, "local.toml", "constraints", "权重约束“C + D > 50”不成立", "40% > 50%")


def test_a_derived_scheme_cannot_drop_the_notices_rule_silently(tmp_path):
    head = '[scheme]\nextends = "mof-2012"\ncode = "x"\nversion = "1"\n'
    weights = "[weights]\nA = 30\nB = 30\nC = 20\nD = 20\n"  # W3 + W4 = 40%
    for dropped in ("constraints = []\n", 'constraints = ["A <= 40"]\n'):
        err = errors(tmp_path, dropped + head + weights, "drop.toml")
        line = line_for(err, "scheme.notice_rule_dropped")
        assert_names(line, "drop.toml", "constraints", "W3 + W4 > 50%", "notice_rules = false")
    # Said plainly, a scheme that is not a 财社〔2012〕17号 evaluation may drop it.
    free = load_scheme(
        write(
            tmp_path, "constraints = []\n" + head + "notice_rules = false\n" + weights, "free.toml"
        )
    )
    assert free.constraints == () and free.group("C").weight == pytest.approx(0.2)
    # Kept (re-written with other spacing, or with more rules) it still applies.
    kept = load_scheme(
        write(tmp_path, 'constraints = ["C+D > 50", "A <= 40"]\n' + head, "kept.toml")
    )
    assert len(kept.constraints) == 2


def test_constraint_exactly_at_the_limit_fails_and_above_holds(tmp_path):
    head = '[scheme]\nextends = "mof-2012"\ncode = "x"\nversion = "1"\n[weights]\n'
    err = errors(tmp_path, head + "A = 25\nB = 25\nC = 25\nD = 25\n", "edge.toml")
    assert "50% > 50%" in line_for(err, "scheme.constraint")
    ok = load_scheme(write(tmp_path, head + "A = 20\nB = 29\nC = 25.5\nD = 25.5\n", "ok.toml"))
    assert ok.group("C").weight == pytest.approx(0.255)
    assert ok.code == "x" and ok.version == "1"
    assert ok.name == load_scheme("mof-2012").name  # the header is inherited


def test_constraint_equality_is_not_broken_by_float_noise(tmp_path):
    # 0.3 * 100 is 30.000000000000004: constraints compare the percent written in the file.
    text = BASE.replace("[scheme]", 'constraints = ["Q1 + P == 100", "T <= 60"]\n\n[scheme]')
    scheme = load_scheme(write(tmp_path, text, "eq.toml"))
    assert scheme.constraints == ("Q1 + P == 100", "T <= 60")


def test_constraint_with_unknown_code_is_a_syntax_problem(tmp_path):
    text = BASE.replace("[scheme]", 'constraints = ["T + ZZ > 50"]\n\n[scheme]')
    line = line_for(errors(tmp_path, text), "scheme.constraint_syntax")
    assert_names(line, "bad.toml", "constraints", "T + ZZ > 50", "ZZ")


def test_constraint_as_a_single_string_is_one_rule(tmp_path):
    text = BASE.replace("[scheme]", 'constraints = "S > 50"\n\n[scheme]')
    line = line_for(errors(tmp_path, text), "scheme.constraint")
    assert_names(line, "bad.toml", "constraints", "40% > 50%")


def test_unknown_field_in_a_formula(tmp_path):
    err = errors(tmp_path, BASE.replace('formula = "x / y"', 'formula = "x / yy"'))
    line = line_for(err, "scheme.formula")
    assert_names(line, "bad.toml", "indicators.P1", "“x / yy”", "未声明的字段“yy”")


def test_a_check_may_only_compare_numeric_fields(tmp_path):
    text = BASE.replace(
        '[[grades]]\nname = "优"',
        '[[fields]]\nkey = "note"\nlabel = "备注"\ntype = "text"\nrequired = false\n\n'
        '[[checks]]\nrule = "note <= x"\nlabel = "备注不超过甲"\n\n[[grades]]\nname = "优"',
    )
    err = errors(tmp_path, text)
    assert_names(line_for(err, "scheme.formula"), "bad.toml", "checks[1]", "未声明的字段“note”")


def test_formula_syntax_error(tmp_path):
    err = errors(tmp_path, BASE.replace('formula = "x / y"', 'formula = "x / (y"'))
    assert_names(line_for(err, "scheme.formula"), "bad.toml", "indicators.P1", "语法错误")


def test_duplicate_indicator_code(tmp_path):
    err = errors(tmp_path, BASE.replace('code = "P2"', 'code = "P1"'))
    line = line_for(err, "scheme.duplicate_code")
    assert_names(line, "bad.toml", "indicators.P1", "编码“P1”重复")


def test_indicator_code_equal_to_a_group_code(tmp_path):
    err = errors(tmp_path, BASE.replace('code = "S1"', 'code = "S"'))
    assert_names(line_for(err, "scheme.duplicate_code"), "bad.toml", "groups.S", "“S”重复")


def test_duplicate_field_key(tmp_path):
    err = errors(tmp_path, BASE.replace('key = "y"', 'key = "x"'))
    assert_names(line_for(err, "scheme.duplicate_code"), "bad.toml", "fields.x", "“x”重复")


def test_unknown_parent_of_group_and_of_indicator(tmp_path):
    err = errors(tmp_path, BASE.replace('parent = "T"', 'parent = "TT"'))
    line = line_for(err, "scheme.unknown_parent")
    assert_names(line, "bad.toml", "groups.P", "“P”的上级“TT”不存在")
    err = errors(tmp_path, BASE.replace('group = "S"', 'group = "SS"'))
    assert_names(line_for(err, "scheme.unknown_parent"), "bad.toml", "indicators.S1", "“SS”")


def test_cycle_of_groups(tmp_path):
    text = BASE.replace(
        'code = "T"\nname = "顶层一"\nweight = 60',
        'code = "T"\nname = "顶层一"\nweight = 60\nparent = "P"',
    )
    err = errors(tmp_path, text)
    assert_names(line_for(err, "scheme.cycle"), "bad.toml", "groups.T", "形成循环")
    assert {p.column for p in err.problems if p.code == "scheme.cycle"} == {"groups.T", "groups.P"}


def test_empty_group(tmp_path):
    text = BASE + '\n[[groups]]\ncode = "E"\nname = "空组"\nparent = "S"\nweight = 10\n'
    err = errors(tmp_path, text)
    assert_names(line_for(err, "scheme.empty_group"), "bad.toml", "groups.E", "没有下级指标")


def test_no_indicators_at_all(tmp_path):
    text = BASE.split("[[indicators]]")[0]
    err = errors(tmp_path, text)
    assert_names(line_for(err, "scheme.no_indicators"), "bad.toml", "indicators", "没有任何指标")


def test_bounds_min_above_max(tmp_path):
    err = errors(tmp_path, BASE.replace("min = 0\nmax = 10", "min = 10\nmax = 5"))
    line = line_for(err, "scheme.bounds")
    assert_names(line, "bad.toml", "fields.y", "下限 10 大于上限 5")


def test_rate_bounds_default_and_can_conflict(tmp_path):
    # A rate is 0..100 unless told otherwise, so a minimum of 120 contradicts the default max.
    err = errors(
        tmp_path, BASE.replace('type = "number"\nmin = 0\nmax = 10', 'type = "rate"\nmin = 120')
    )
    assert_names(line_for(err, "scheme.bounds"), "bad.toml", "fields.y", "120", "100")


@pytest.mark.parametrize(
    ("old", "new", "item", "key"),
    [
        ('formula = "x / y"', 'fromula = "x / y"\nformula = "x / y"', "indicators.P1", "fromula"),
        ('label = "甲"', 'lable = "甲"', "fields.x", "lable"),
        ('parent = "T"', 'parent = "T"\nwieght = 1', "groups.P", "wieght"),
        ('version = "1"', 'version = "1"\ndescripton = "x"', "scheme", "scheme.descripton"),
        (
            '[[grades]]\nname = "优"\nmin = 90',
            '[[grades]]\nname = "优"\nmni = 90\nmin = 90',
            "grades[1]",
            "mni",
        ),
        ("[scheme]", "[scoring]\nbsae = 70\n\n[scheme]", "scoring", "scoring.bsae"),
        ("[scheme]", "[weigths]\nA = 1\n\n[scheme]", "weigths", "weigths"),
    ],
)
def test_unknown_keys_and_typos(tmp_path, old, new, item, key):
    err = errors(tmp_path, BASE.replace(old, new, 1))
    assert_names(line_for(err, "scheme.unknown_key"), "bad.toml", item, f"未知的项“{key}”")


def test_unknown_key_in_standards(tmp_path):
    text = BASE.replace('formula = "y"', 'formula = "y"\nstandards = { minimun = 1 }')
    err = errors(tmp_path, text)
    assert_names(
        line_for(err, "scheme.unknown_key"), "bad.toml", "indicators.Q1.standards", "minimun"
    )


def test_missing_required_items(tmp_path):
    err = errors(tmp_path, BASE.replace('version = "1"\n', ""))
    assert_names(line_for(err, "scheme.missing_key"), "bad.toml", "scheme", "scheme.version")
    err = errors(tmp_path, BASE.replace('formula = "y"\n', ""))
    assert_names(line_for(err, "scheme.missing_key"), "bad.toml", "indicators.Q1", "formula")


@pytest.mark.parametrize(
    ("old", "new", "item", "fragment"),
    [
        (
            'formula = "y"',
            'formula = "y"\ndirection = "up"',
            "indicators.Q1",
            "“direction”的值“up”无效，应为：higher, lower",
        ),
        (
            'formula = "y"',
            'formula = "y"\nnormalisation = "rank"',
            "indicators.Q1",
            "“normalisation”的值“rank”无效",
        ),
        (
            'formula = "y"',
            'formula = "y"\nmissing = "skip"',
            "indicators.Q1",
            "应为：renormalise, zero, mean",
        ),
        ('type = "amount"', 'type = "money"', "fields.x", "“type”的值“money”无效"),
        ("[scheme]", '[scoring]\nsd = "unbiased"\n\n[scheme]', "scoring", "population, sample"),
        ("[scheme]", '[scoring]\nnot_applicable = "drop"\n\n[scheme]', "scoring", "“drop”"),
        ("year = 2024", 'year = 2024\napplies_to = ["city"]', "scheme.applies_to", "“city”"),
        (
            'formula = "y"',
            'formula = "y"\nstandards = { minimum = 1, minimum_points = 2, basis = "rank" }',
            "indicators.Q1",
            "“basis”的值“rank”无效",
        ),
    ],
)
def test_bad_choice_values(tmp_path, old, new, item, fragment):
    err = errors(tmp_path, BASE.replace(old, new, 1))
    assert_names(line_for(err, "scheme.bad_choice"), "bad.toml", item, fragment)


def test_bad_scoring_numbers(tmp_path):
    err = errors(tmp_path, BASE.replace("[scheme]", "[scoring]\nfloor = 100\ncap = 50\n\n[scheme]"))
    assert_names(line_for(err, "scheme.bad_type"), "bad.toml", "scoring", "floor/cap")
    err = errors(tmp_path, BASE.replace("[scheme]", '[scoring]\ntie_decimals = "six"\n\n[scheme]'))
    assert_names(line_for(err, "scheme.bad_type"), "bad.toml", "scoring", "tie_decimals")


def test_normalisation_parameters_are_checked(tmp_path):
    text = BASE.replace(
        'formula = "y"', 'formula = "y"\nnormalisation = "minmax"\nparams = { hi = 1 }'
    )
    line = line_for(errors(tmp_path, text), "scheme.normalisation_param")
    assert_names(line, "bad.toml", "indicators.Q1", "没有参数“hi”")
    text = BASE.replace('formula = "y"', 'formula = "y"\nnormalisation = "target"')
    line = line_for(errors(tmp_path, text), "scheme.normalisation_param")
    assert_names(line, "bad.toml", "indicators.Q1", "必须给出参数“target”")
    text = BASE.replace(
        'formula = "y"', 'formula = "y"\nnormalisation = "target"\nparams = { target = "goal" }'
    )
    line = line_for(errors(tmp_path, text), "scheme.normalisation_param")
    assert_names(line, "bad.toml", "indicators.Q1", "应为数字或字段名")
    text = BASE.replace(
        'formula = "y"', 'formula = "y"\nnormalisation = "direct"\nparams = { max = 0 }'
    )
    assert "应大于 0" in line_for(errors(tmp_path, text), "scheme.normalisation_param")


@pytest.mark.parametrize(
    ("standards", "fragment"),
    [
        ("{ minimum = 1 }", "设了最低标准但扣分为 0"),
        ("{ excellent = 9, excellent_points = 0 }", "设了优异标准但加分为 0"),
        (
            "{ minimum = 5, minimum_points = 2, excellent = 3, excellent_points = 2 }",
            "最低标准 5 不差于优异标准 3",
        ),
    ],
)
def test_standards_rules(tmp_path, standards, fragment):
    text = BASE.replace('formula = "y"', f'formula = "y"\nstandards = {standards}')
    line = line_for(errors(tmp_path, text), "scheme.standards")
    assert_names(line, "bad.toml", "indicators.Q1", "指标“Q1”的标准有误", fragment)


def test_standards_of_a_lower_is_better_indicator_run_the_other_way(tmp_path):
    standards = "{ minimum = 5, minimum_points = 2, excellent = 3, excellent_points = 1 }"
    text = BASE.replace(
        'formula = "y"', f'formula = "y"\ndirection = "lower"\nstandards = {standards}'
    )
    scheme = load_scheme(write(tmp_path, text, "ok.toml"))
    s = scheme.indicator("Q1").standards
    assert (s.minimum, s.minimum_points, s.excellent, s.excellent_points) == (5, 2, 3, 1)


@pytest.mark.parametrize(
    ("grades", "fragment"),
    [
        ('[[grades]]\nname = "优"\nmin = 90\n[[grades]]\nname = "优"\nmin = 60\n', "等级名称重复"),
        ('[[grades]]\nname = "优"\nmin = 90\n[[grades]]\nname = "良"\nmin = 90\n', "分数线重复"),
    ],
)
def test_grade_bands_duplicated(tmp_path, grades, fragment):
    text = BASE.split("[[grades]]")[0] + grades
    line = line_for(errors(tmp_path, text), "scheme.grades")
    assert_names(line, "bad.toml", "grades", "等级划分有误", fragment)


def test_toml_syntax_error(tmp_path):
    err = errors(tmp_path, BASE.replace('code = "demo"', 'code = "demo'))
    line = line_for(err, "scheme.toml")
    assert "bad.toml" in line and "方案文件格式错误（TOML）" in line
    assert "line 2" in line  # tomllib's position, so the user can find it


def test_unknown_builtin_code():
    with pytest.raises(SchemeError) as info:
        load_scheme("mof-2099")
    line = info.value.render("zh")
    assert "找不到方案“mof-2099”" in line and "mof-2012" in line
    assert "no scheme “mof-2099”" in info.value.render("en")


def test_missing_file_named_by_path(tmp_path):
    with pytest.raises(SchemeError) as info:
        load_scheme(tmp_path / "nowhere.toml")
    assert "nowhere.toml" in info.value.render() and "无法读取方案文件" in info.value.render()


def test_every_problem_is_reported_at_once(tmp_path):
    text = (
        BASE.replace('formula = "x / y"', 'formula = "x / yy"')
        .replace("min = 0\nmax = 10", "min = 10\nmax = 5")
        .replace('code = "S1"', 'code = "S1"\ndirection = "up"')
    )
    err = errors(tmp_path, text)
    codes = {p.code for p in err.problems}
    assert {"scheme.formula", "scheme.bounds", "scheme.bad_choice"} <= codes
    assert len(err.render().splitlines()) == len(err.problems)


# --- extends ---------------------------------------------------------------------------------


def test_extending_file_overrides_weights_standards_scoring_and_grades(tmp_path):
    text = """\
[scheme]
extends = "mof-2012"
code = "mof-2012-bj"
version = "2024.1"
name = "北京市试点方案"

[weights]
C = 35
D = 25

[standards.C2]
minimum = -5
minimum_points = 3

[scoring]
sd = "sample"

[[grades]]
name = "合格"
min = 60

[[grades]]
name = "不合格"
min = 0
"""
    scheme = load_scheme(write(tmp_path, text, "bj.toml"))
    base = load_scheme("mof-2012")
    assert (scheme.code, scheme.version, scheme.name) == ("mof-2012-bj", "2024.1", "北京市试点方案")
    assert scheme.group("C").weight == pytest.approx(0.35)
    assert scheme.group("D").weight == pytest.approx(0.25)
    assert scheme.indicator("C2").standards.minimum == -5
    assert scheme.indicator("C2").standards.minimum_points == 3
    assert scheme.scoring.sd == "sample"
    assert [g.name for g in scheme.grades] == ["合格", "不合格"]
    assert scheme.constraints == base.constraints and scheme.fields == base.fields
    assert scheme.sha256 != base.sha256


def test_extending_an_extending_file(tmp_path):
    write(
        tmp_path,
        '[scheme]\nextends = "mof-2012"\ncode = "mid"\nversion = "1"\n[weights]\nC = 35\nD = 25\n',
        "mid.toml",
    )
    text = f'[scheme]\nextends = "{tmp_path / "mid.toml"}"\ncode = "top"\nversion = "2"\n'
    top = load_scheme(write(tmp_path, text + "[weights]\nA1 = 50\nA2 = 25\nA3 = 25\n", "top.toml"))
    assert top.group("C").weight == pytest.approx(0.35)
    assert top.indicator("A1").weight == pytest.approx(0.5)
    assert top.code == "top"


def test_extends_unknown_scheme(tmp_path):
    err = errors(
        tmp_path, '[scheme]\nextends = "mof-1999"\ncode = "x"\nversion = "1"\n', "ext.toml"
    )
    line = line_for(err, "scheme.extends_unknown")
    assert_names(line, "ext.toml", "scheme.extends", "继承的方案“mof-1999”不存在", "mof-2012")


def test_extends_cycle(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(f'[scheme]\nextends = "{b}"\ncode = "a"\nversion = "1"\n', encoding="utf-8")
    b.write_text(f'[scheme]\nextends = "{a}"\ncode = "b"\nversion = "1"\n', encoding="utf-8")
    with pytest.raises(SchemeError) as info:
        load_scheme(a)
    line = line_for(info.value, "scheme.extends_cycle")
    assert "方案继承形成循环" in line and "scheme.extends" in line


def test_extending_file_cannot_redefine_the_tree(tmp_path):
    text = (
        '[scheme]\nextends = "mof-2012"\ncode = "x"\nversion = "1"\n\n[[indicators]]\ncode = "Z"\n'
    )
    line = line_for(errors(tmp_path, text, "ext.toml"), "scheme.not_overridable")
    assert_names(line, "ext.toml", "indicators", "不能包含“indicators”")


def test_extending_file_with_unknown_codes(tmp_path):
    head = '[scheme]\nextends = "mof-2012"\ncode = "x"\nversion = "1"\n'
    err = errors(tmp_path, head + "[weights]\nC9 = 35\n[standards.Q9]\nminimum = 1\n", "ext.toml")
    lines = [p.render() for p in err.problems]
    assert any("ext.toml" in x and "“weights”" in x and "“C9”" in x for x in lines), lines
    assert any("ext.toml" in x and "“standards”" in x and "“Q9”" in x for x in lines), lines


def test_standards_in_an_extending_file_are_validated(tmp_path):
    text = '[scheme]\nextends = "mof-2012"\ncode = "x"\nversion = "1"\n[standards.A1]\nexcellent = 0.9\n'
    line = line_for(errors(tmp_path, text, "ext.toml"), "scheme.standards")
    assert_names(line, "ext.toml", "indicators.A1", "加分为 0")


# --- fingerprint and copies -----------------------------------------------------------------


def test_fingerprint_ignores_layout_and_order_but_not_content(tmp_path):
    one = load_scheme(write(tmp_path, BASE, "one.toml"))
    # Same content: comments, blank lines and key order within a table differ.
    shuffled = "# 注释\n" + BASE.replace(
        'code = "demo"\nname = "示例方案"', 'name = "示例方案"\n\ncode = "demo"'
    )
    two = load_scheme(write(tmp_path, shuffled, "two.toml"))
    assert one.sha256 == two.sha256
    assert len(one.sha256) == 64
    three = load_scheme(write(tmp_path, BASE.replace("weight = 70", "weight = 70.0"), "three.toml"))
    assert three.sha256 != one.sha256  # 70 and 70.0 are written differently in the document
    four = load_scheme(
        write(tmp_path, BASE.replace('name = "指标四"', 'name = "指标肆"'), "f.toml")
    )
    assert four.sha256 != one.sha256
    assert scheme_fingerprint(one.raw) == one.sha256


def test_with_weights_replaces_some_of_a_percent_sibling_set():
    scheme = load_scheme("mof-2012")
    changed = with_weights(scheme, {"C": 0.35, "D": 0.25})
    assert [round(g.weight, 6) for g in changed.groups] == [0.2, 0.2, 0.35, 0.25]
    with pytest.raises(SchemeError) as info:
        with_weights(scheme, {"A": 0.3, "B": 0.2, "C": 0.25, "D": 0.25})
    assert "C + D > 50" in info.value.render()


# --- docs/schemes.md says what the loader does ----------------------------------------------

SCHEMES_DOC = Path(__file__).resolve().parent.parent / "docs" / "schemes.md"


def doc_blocks(kind: str) -> list[str]:
    text = SCHEMES_DOC.read_text(encoding="utf-8")
    return [block.split("```")[0] for block in text.split(f"```{kind}\n")[1:]]


def test_the_documented_examples_load(tmp_path):
    blocks = doc_blocks("toml")
    minimal = blocks[0]
    extending = next(block for block in blocks if "extends" in block)
    scheme = load_scheme(write(tmp_path, minimal, "demo.toml"))
    assert scheme.code == "demo" and [g.weight for g in scheme.groups] == [0.6, 0.4]
    assert scheme.indicator("D1").normalisation == "minmax"
    assert [g.name for g in scheme.grades] == ["优", "合格", "不合格"]
    derived = load_scheme(write(tmp_path, extending, "bj.toml"))
    assert (derived.code, derived.scoring.sd) == ("mof-2012-bj-2024", "sample")
    assert derived.indicator("C2").standards.minimum == -4


def message_of(name: str) -> str:
    with pytest.raises(SchemeError) as info:
        load_scheme(name)
    return str(info.value)


def test_the_documented_messages_are_the_real_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shown = [line for block in doc_blocks("text") for line in block.splitlines()]
    write(
        tmp_path,
        BASE.replace(
            'group = "P"\nweight = 50\nformula = "x"', 'group = "P"\nweight = 40\nformula = "x"'
        ),
    )
    weights = message_of("bad.toml")
    write(tmp_path, BASE.replace('formula = "x / y"', 'formula = "x / yy"'))
    formula = message_of("bad.toml")
    write(tmp_path, BASE.replace("min = 0\nmax = 10", "min = 10\nmax = 5"))
    bounds = message_of("bad.toml")
    write(
        tmp_path,
        '[scheme]\nextends = "mof-2012"\ncode = "x"\nversion = "1"\n'
        "[weights]\nA = 30\nB = 30\nC = 20\nD = 20\n",
        "local.toml",
    )
    constraint = message_of("local.toml")
    for message in (weights, formula, bounds, constraint):
        assert message in shown, message
