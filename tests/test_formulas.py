"""Tests of kaoping.scoring.formulas: parsing, refusal of unsafe text, vectorised evaluation."""

from __future__ import annotations

import math
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.scoring.formulas import (
    MISSING,
    NOT_FINITE,
    OK,
    REASON_MESSAGES,
    ZERO_DENOMINATOR,
    FormulaError,
    parse_condition,
    parse_formula,
)
from kaoping.scoring.messages import CATALOGUE

NAN = np.nan

pytestmark = pytest.mark.filterwarnings("error")


def arr(*values: float) -> np.ndarray:
    return np.array(values, dtype=float)


def run(text: str, **columns: object):
    """Values and reasons of ``text`` over 1-D columns given as lists."""
    result = parse_formula(text).evaluate(
        {k: np.asarray(v, dtype=float) for k, v in columns.items()}
    )
    return result.values, result.reason


def assert_values(actual: np.ndarray, expected: list[float]) -> None:
    np.testing.assert_array_equal(actual, np.array(expected, dtype=float))


# --- operators and precedence -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a + b", [7.0, -1.0]),
        ("a - b", [3.0, 5.0]),
        ("a * b", [10.0, -6.0]),
        ("a / b", [2.5, -0.6666666666666666]),
        ("-a", [-5.0, -2.0]),
        ("+a", [5.0, 2.0]),
        ("- -a", [5.0, 2.0]),
        ("a * -1", [-5.0, -2.0]),
        ("a - -b", [7.0, -1.0]),
        ("-(a + b)", [-7.0, 1.0]),
        ("3", [3.0, 3.0]),
        ("1.5 + 1e3 + .5 + 2.", [1004.0, 1004.0]),
        ("1E-1 * 10", [1.0, 1.0]),
    ],
)
def test_each_operator(text: str, expected: list[float]) -> None:
    values, reason = run(text, a=[5.0, 2.0], b=[2.0, -3.0])
    assert_values(values, expected)
    assert reason.tolist() == [OK, OK]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a + b * c", 2 + 3 * 4),
        ("a * b + c", 2 * 3 + 4),
        ("(a + b) * c", (2 + 3) * 4),
        ("a - b - c", (2 - 3) - 4),
        ("a - (b - c)", 2 - (3 - 4)),
        ("a - b + c", (2 - 3) + 4),
        ("c / a / a", (4 / 2) / 2),
        ("c / (a / a)", 4 / (2 / 2)),
        ("c / a * b", (4 / 2) * 3),
        ("-a * b", -2 * 3),
        ("-a + b", -2 + 3),
        ("a - -b * c", 2 - (-3 * 4)),
        ("2 * 3 + 4 * 5", 26),
        ("((a))", 2),
    ],
)
def test_precedence_and_associativity(text: str, expected: float) -> None:
    values, _ = run(text, a=[2.0], b=[3.0], c=[4.0])
    assert values.tolist() == [float(expected)]


# --- functions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sum(a)", [1.0, -4.0]),
        ("sum(a, b, c)", [1.0 + 5.0 + 2.0, -4.0 + 0.5 + 7.0]),
        ("min(a)", [1.0, -4.0]),
        ("min(a, b, c)", [1.0, -4.0]),
        ("max(a, b, c)", [5.0, 7.0]),
        ("max(a, b)", [5.0, 0.5]),
        ("abs(a)", [1.0, 4.0]),
        ("abs(a - b)", [4.0, 4.5]),
        ("sum(a, b) / c", [3.0, (-4.0 + 0.5) / 7.0]),
        ("max(min(a, b), 0)", [1.0, 0.0]),
        ("sum(a * 2, -b)", [-3.0, -8.5]),
    ],
)
def test_functions(text: str, expected: list[float]) -> None:
    values, reason = run(text, a=[1.0, -4.0], b=[5.0, 0.5], c=[2.0, 7.0])
    assert_values(values, expected)
    assert reason.tolist() == [OK, OK]


@pytest.mark.parametrize("text", ["sum()", "min()", "max()", "abs()", "abs(a, b)"])
def test_function_arity(text: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    assert info.value.code == "formula.arity"
    assert info.value.params == {"name": text.split("(")[0]}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("foo(a)", "foo"),
        ("SUM(a, b)", "SUM"),
        ("log(a)", "log"),
        ("__import__('os')", "__import__"),
    ],
)
def test_unknown_function(text: str, name: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    assert info.value.code == "formula.unknown_function"
    assert info.value.params == {"name": name}


def test_declared_field_before_parenthesis_is_a_missing_operator() -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula("a (b + c)", allowed_names=["a", "b", "c"])
    assert info.value.code == "formula.syntax"
    assert info.value.params == {"position": 3}


def test_function_names_can_be_fields_when_not_called() -> None:
    f = parse_formula("max - min")
    assert f.names == ("max", "min")
    assert f.evaluate({"max": arr(5.0), "min": arr(2.0)}).values.tolist() == [3.0]


# --- Chinese input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a × b", 8.0),
        ("a · b", 8.0),
        ("a ÷ b", 2.0),
        ("a − b", 2.0),
        ("a – b", 2.0),
        ("（a + b）× 2", 12.0),
        ("sum（a，b，１０）", 16.0),
        ("ａ＋ｂ", 6.0),
        ("a\u3000*\u3000b", 8.0),
        ("１２.５ － a", 8.5),
        ("a ＊ b ／ b", 4.0),
    ],
)
def test_chinese_characters_are_normalised(text: str, expected: float) -> None:
    f = parse_formula(text)
    assert f.text == text  # kept as written
    assert f.evaluate({"a": arr(4.0), "b": arr(2.0)}).values.tolist() == [expected]


def test_superscripts_are_not_folded_into_names() -> None:
    # NFKC would read "a²" as the field "a2".
    with pytest.raises(FormulaError) as info:
        parse_formula("a²")
    assert (info.value.code, info.value.params) == ("formula.syntax", {"position": 2})


# --- names --------------------------------------------------------------------------------


def test_names_in_order_of_first_use_without_duplicates_or_functions() -> None:
    f = parse_formula("b + a * b + sum(c, a) / b")
    assert f.names == ("b", "a", "c")


def test_allowed_names() -> None:
    fields = ["local_raised", "superior_subsidy"]
    f = parse_formula("local_raised / (local_raised + superior_subsidy)", allowed_names=fields)
    assert f.names == ("local_raised", "superior_subsidy")
    with pytest.raises(FormulaError) as info:
        parse_formula("local_raised / total", allowed_names=iter(fields))
    assert info.value.code == "formula.unknown_name"
    assert info.value.params == {"name": "total"}
    assert "total" in str(info.value)


def test_any_name_without_allowed_names() -> None:
    assert parse_formula("_x1 + Y_2").names == ("_x1", "Y_2")


# --- refused constructs -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("a ** 2", "**"),
        ("a.b", "a.b"),
        ("x[0]", "x[0]"),
        ("a + x[b[1]] * 2", "x[b[1]]"),
        ("lambda: 1", "lambda"),
        ("a if b else c", "if"),
        ("'text'", "'text'"),
        ('a + "b"', '"b"'),
        ("a < b", "<"),
        ("a ≤ b", "≤"),
        ("a == b", "=="),
        ("a = 1", "="),
        ("a // b", "//"),
        ("a % b", "%"),
        ("a & b", "&"),
        ("~a", "~"),
        ("not a", "not"),
        ("a and b", "and"),
        ("True", "True"),
        ("None", "None"),
        ("{a}", "{"),
        ("a; b", ";"),
        ("(x := 1)", ":="),
        ("a.__class__", "a.__class__"),
    ],
)
def test_disallowed_constructs(text: str, what: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    assert info.value.code == "formula.not_allowed"
    assert info.value.params == {"what": what}
    assert what in str(info.value)


# --- syntax errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("", 1),
        ("   ", 4),
        ("a + * b", 5),
        ("a +", 4),
        ("(a + b", 7),
        ("a + b)", 6),
        ("a b", 3),
        ("2a", 2),
        ("a $ b", 3),
        ("甲 + b", 1),
        ("（a + b", 7),
        ("a × × b", 5),
        ("sum(a,)", 7),
        ("sum(a b)", 7),
        ("()", 2),
        ("a , b", 3),
        ("1.5.3", 4),
    ],
)
def test_syntax_error_position(text: str, position: int) -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    assert info.value.code == "formula.syntax"
    assert info.value.params == {"position": position}
    assert str(info.value) == f"syntax error at position {position}"


def test_deep_nesting_is_a_syntax_error_not_a_crash() -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula("(" * 500 + "a" + ")" * 500)
    assert info.value.code == "formula.syntax"
    with pytest.raises(FormulaError):
        parse_formula("-" * 5000 + "a")
    assert parse_formula("(" * 20 + "a" + ")" * 20).names == ("a",)


def test_long_flat_formula_evaluates() -> None:
    f = parse_formula(" + ".join(["a"] * 5000))
    assert f.evaluate({"a": arr(1.0, 2.0)}).values.tolist() == [5000.0, 10000.0]


def test_formula_error_details() -> None:
    err = FormulaError("formula.unknown_name", name="x")
    assert isinstance(err, ValueError)
    assert err.code in CATALOGUE
    assert str(err) == "uses the undeclared field “x”"
    assert err.text("zh") == "使用了未声明的字段“x”"
    assert err.message.pick("en") == str(err)
    assert str(err.message) == err.text("zh")
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.code, copy.params, str(copy)) == (err.code, err.params, str(err))


# --- reasons ------------------------------------------------------------------------------


def test_reason_codes_have_messages() -> None:
    assert (OK, MISSING, ZERO_DENOMINATOR, NOT_FINITE) == (0, 1, 2, 3)
    assert all(code in CATALOGUE for code in REASON_MESSAGES.values())


def test_zero_denominator() -> None:
    values, reason = run(
        "a / b",
        a=[1.0, 0.0, -5.0, 3.0, NAN, 1.0, 6.0],
        b=[0.0, 0.0, 1e-13, -1e-13, 0.0, -0.0, 3.0],
    )
    assert reason.tolist() == [ZERO_DENOMINATOR] * 6 + [OK]
    assert np.isnan(values[:6]).all()
    assert values[6] == 2.0


def test_cancelling_denominator_is_zero() -> None:
    values, reason = run("a / (b + c - d)", a=[1.0], b=[0.1], c=[0.2], d=[0.3])
    assert reason.tolist() == [ZERO_DENOMINATOR]
    assert np.isnan(values[0])


def test_missing_propagates() -> None:
    values, reason = run(
        "a * 0 + sum(b, c)", a=[NAN, 1.0, 1.0, 1.0], b=[1.0, NAN, 1.0, 1.0], c=[1.0, 1.0, NAN, 2.0]
    )
    assert reason.tolist() == [MISSING, MISSING, MISSING, OK]
    assert np.isnan(values[:3]).all()
    assert values[3] == 3.0
    for fn in ("min", "max", "abs"):
        args = "a" if fn == "abs" else "a, 1"
        _, reason = run(f"-{fn}({args})", a=[NAN])
        assert reason.tolist() == [MISSING]


def test_zero_denominator_propagates_through_outer_operations() -> None:
    values, reason = run("(a / b) + c", a=[1.0, 1.0], b=[0.0, 2.0], c=[5.0, 5.0])
    assert reason.tolist() == [ZERO_DENOMINATOR, OK]
    assert np.isnan(values[0]) and values[1] == 5.5
    _, reason = run("max(abs(-(a / b)) * 2, 1)", a=[1.0], b=[0.0])
    assert reason.tolist() == [ZERO_DENOMINATOR]


def test_reason_precedence() -> None:
    # First in evaluation order wins.
    assert run("(a / b) + c", a=[1.0], b=[0.0], c=[NAN])[1].tolist() == [ZERO_DENOMINATOR]
    assert run("c + (a / b)", a=[1.0], b=[0.0], c=[NAN])[1].tolist() == [MISSING]
    assert run("sum(a * b, c / d)", a=[1e200], b=[1e200], c=[1.0], d=[0.0])[1].tolist() == [
        NOT_FINITE
    ]
    assert run("min(c / d, a * b)", a=[1e200], b=[1e200], c=[1.0], d=[0.0])[1].tolist() == [
        ZERO_DENOMINATOR
    ]
    # An empty cell in the denominator is missing data, not a zero denominator.
    assert run("a / (b - c)", a=[1.0], b=[NAN], c=[0.0])[1].tolist() == [MISSING]
    assert run("a / (b * 0)", a=[1.0], b=[NAN])[1].tolist() == [MISSING]
    assert run("(a / 0) / b", a=[1.0], b=[NAN])[1].tolist() == [ZERO_DENOMINATOR]
    # A known zero denominator wins whatever the numerator.
    assert run("a / b", a=[NAN], b=[0.0])[1].tolist() == [ZERO_DENOMINATOR]
    assert run("(a * b) / c", a=[1e200], b=[1e200], c=[0.0])[1].tolist() == [ZERO_DENOMINATOR]


def test_not_finite() -> None:
    values, reason = run("a * b", a=[1e200, np.inf, -np.inf, 2.0], b=[1e200, 1.0, 1.0, 3.0])
    assert reason.tolist() == [NOT_FINITE, NOT_FINITE, NOT_FINITE, OK]
    assert np.isnan(values[:3]).all()
    assert run("a / b", a=[1e300], b=[1e-10])[1].tolist() == [NOT_FINITE]
    assert run("sum(a, a)", a=[1.7e308])[1].tolist() == [NOT_FINITE]
    assert run("1e999 + a", a=[1.0])[1].tolist() == [NOT_FINITE]
    # Overflowing then dividing must not come back as a finite 0.
    assert run("1 / (a * a)", a=[1e200])[1].tolist() == [NOT_FINITE]


def test_evaluation_emits_no_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = parse_formula("a / b + a * a - sum(a, b) / (b - b)")
        result = f.evaluate({"a": arr(0.0, 1e300, NAN, np.inf), "b": arr(0.0, 1e-300, 0.0, 1.0)})
    assert np.isnan(result.values).all()


def test_result_types_and_independence_from_input() -> None:
    a = arr(1.0, NAN)
    result = parse_formula("a").evaluate({"a": a})
    assert result.values.dtype == np.float64
    assert result.reason.dtype == np.int8
    result.values[0] = 99.0
    assert a[0] == 1.0
    ints = parse_formula("a / 2").evaluate({"a": np.array([1, 2])})
    assert ints.values.tolist() == [0.5, 1.0]
    lists = parse_formula("a + 1").evaluate({"a": [1.0, None]})
    assert lists.reason.tolist() == [OK, MISSING]


def test_missing_column_is_a_key_error() -> None:
    f = parse_formula("a + b")
    with pytest.raises(KeyError, match="b"):
        f.evaluate({"a": arr(1.0)})


# --- shapes -------------------------------------------------------------------------------


def test_constants_take_the_common_length() -> None:
    f = parse_formula("2 * (3 + 1)")
    assert f.names == ()
    assert f.evaluate({"x": np.zeros(4)}).values.tolist() == [8.0] * 4
    assert f.evaluate({}).values.tolist() == [8.0]
    assert f.evaluate({}).reason.tolist() == [OK]
    assert f.evaluate({"x": np.zeros((2, 3)), "y": np.zeros(3)}).values.shape == (2, 3)
    assert parse_formula("1 / 0").evaluate({"x": np.zeros(2)}).reason.tolist() == [2, 2]


def test_two_dimensional_columns_broadcast() -> None:
    draws = np.array([[1.0, 4.0, NAN], [2.0, 0.0, 3.0]])  # (replicates, units)
    units = arr(2.0, 0.0, 1.0)
    result = parse_formula("a / b + 1").evaluate({"a": draws, "b": units})
    assert result.values.shape == (2, 3)
    np.testing.assert_array_equal(result.values, [[1.5, NAN, NAN], [2.0, NAN, 4.0]])
    assert result.reason.tolist() == [[OK, ZERO_DENOMINATOR, MISSING], [OK, ZERO_DENOMINATOR, OK]]
    summed = parse_formula("sum(a, b) * 2").evaluate({"a": draws, "b": units})
    np.testing.assert_array_equal(summed.values, [[6.0, 8.0, NAN], [8.0, 0.0, 8.0]])


# --- conditions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("a <= b", "<="),
        ("a >= b", ">="),
        ("a == b", "=="),
        ("a != b", "!="),
        ("a < b", "<"),
        ("a > b", ">"),
        ("a ≤ b", "<="),
        ("a ≥ b", ">="),
        ("a ≠ b", "!="),
        ("a ＜ b", "<"),
        ("a ＞ b", ">"),
        ("a ＝ b", "=="),
        ("a = b", "=="),
        ("a＜＝b", "<="),
    ],
)
def test_condition_operators(text: str, op: str) -> None:
    c = parse_condition(text)
    assert (c.text, c.op, c.left.text, c.right.text) == (text, op, "a", "b")


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("<", [True, False, False]),
        ("<=", [True, True, False]),
        (">", [False, False, True]),
        (">=", [False, True, True]),
        ("==", [False, True, False]),
        ("!=", [True, False, True]),
    ],
)
def test_condition_comparisons(op: str, expected: list[bool]) -> None:
    c = parse_condition(f"a {op} b")
    result = c.evaluate({"a": arr(1.0, 2.0, 3.0), "b": arr(2.0, 2.0, 2.0)})
    assert result.holds.tolist() == expected
    assert result.holds.dtype == bool
    assert result.left.tolist() == [1.0, 2.0, 3.0]
    assert result.right.tolist() == [2.0, 2.0, 2.0]


def test_condition_tolerance() -> None:
    c = parse_condition("sum(a, b) <= total")
    data = {
        "a": arr(600.0, 600.0, 0.1),
        "b": arr(400.0 + 1e-7, 400.0 + 1e-5, 0.2),
        "total": arr(1000.0, 1000.0, 0.3),
    }
    assert c.evaluate(data).holds.tolist() == [True, False, True]
    assert c.evaluate(data, tolerance=0.0).holds.tolist() == [False, False, False]
    assert c.evaluate(data, tolerance=1e-7).holds.tolist() == [True, True, True]
    strict = parse_condition("sum(a, b) < total")
    assert strict.evaluate(data).holds.tolist() == [False, False, False]
    assert parse_condition("0.1 + 0.2 == 0.3").evaluate({}).holds.tolist() == [True]
    assert parse_condition("0.1 + 0.2 == 0.3").evaluate({}, tolerance=0).holds.tolist() == [False]
    with pytest.raises(ValueError):
        c.evaluate(data, tolerance=-1.0)


def test_condition_holds_without_data() -> None:
    c = parse_condition("a / b >= c")
    result = c.evaluate(
        {"a": arr(NAN, 1.0, 1.0, 1.0), "b": arr(1.0, 0.0, 1.0, 1.0), "c": arr(5.0, 5.0, NAN, 5.0)}
    )
    assert result.holds.tolist() == [True, True, True, False]
    assert np.isnan(result.left[:2]).all() and np.isnan(result.right[2])


def test_condition_shapes_broadcast() -> None:
    c = parse_condition("a > 1")
    result = c.evaluate({"a": np.array([[0.0, 2.0], [3.0, 1.0]])})
    assert result.holds.tolist() == [[False, True], [True, False]]
    assert result.right.shape == (2, 2)


def test_condition_from_the_mof_scheme() -> None:
    parts = ["public_employment_service", "vocational_training_subsidy", "job_referral_subsidy"]
    text = f"sum({', '.join(parts)}) <= fund_expenditure"
    c = parse_condition(text, allowed_names=[*parts, "fund_expenditure"])
    assert c.names == (*parts, "fund_expenditure")
    data = {p: arr(10.0, 10.0) for p in parts} | {"fund_expenditure": arr(30.0, 29.0)}
    assert c.evaluate(data).holds.tolist() == [True, False]
    weights = parse_condition("C + D > 50", allowed_names=["A", "B", "C", "D"])
    assert weights.evaluate({"C": arr(30.0), "D": arr(25.0)}, tolerance=0.0).holds.tolist() == [
        True
    ]
    assert weights.evaluate({"C": arr(25.0), "D": arr(25.0)}, tolerance=0.0).holds.tolist() == [
        False
    ]


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("a + b", "formula.syntax", {"position": 6}),
        ("a < b < c", "formula.syntax", {"position": 7}),
        ("a <= b == c", "formula.syntax", {"position": 8}),
        ("<= b", "formula.syntax", {"position": 1}),
        ("a <=", "formula.syntax", {"position": 5}),
        ("a <= b +", "formula.syntax", {"position": 9}),
        ("(a <= b)", "formula.syntax", {"position": 4}),
        ("a <= x", "formula.unknown_name", {"name": "x"}),
        ("a ** 2 <= b", "formula.not_allowed", {"what": "**"}),
        ("a <= foo(b)", "formula.unknown_function", {"name": "foo"}),
        ("a <> b", "formula.syntax", {"position": 4}),
    ],
)
def test_condition_errors(text: str, code: str, params: dict) -> None:
    with pytest.raises(FormulaError) as info:
        parse_condition(text, allowed_names=["a", "b", "c"])
    assert (info.value.code, info.value.params) == (code, params)


# --- property: agreement with a plain-Python reference ------------------------------------

NAMES = ("a", "b", "c")

leaves = st.one_of(
    st.sampled_from(NAMES).map(lambda n: ("name", n)),
    st.sampled_from([0.0, 1.0, 2.5, 3.0, 1e-13, 1e300]).map(lambda v: ("num", v)),
)


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.tuples(st.sampled_from("+-*/"), children, children).map(lambda t: ("op", *t)),
        children.map(lambda c: ("neg", c)),
        children.map(lambda c: ("abs", [c])),
        st.tuples(
            st.sampled_from(["sum", "min", "max"]), st.lists(children, min_size=1, max_size=3)
        ),
    )


trees = st.recursive(leaves, _extend, max_leaves=12)

cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e-13, 1.0, -2.0, 1e300, NAN]),
)

CHINESE = {"*": "×", "/": "÷", "-": "−"}


def render(tree: tuple, chinese: bool) -> str:
    kind = tree[0]
    if kind == "name":
        return tree[1]
    if kind == "num":
        return repr(tree[1])
    if kind == "neg":
        return f"-({render(tree[1], chinese)})"
    if kind == "op":
        op = CHINESE.get(tree[1], tree[1]) if chinese else tree[1]
        return f"({render(tree[2], chinese)} {op} {render(tree[3], chinese)})"
    comma = "，" if chinese else ", "
    return f"{kind}({comma.join(render(arg, chinese) for arg in tree[1])})"


def combine(op: str, left: tuple[float, int], right: tuple[float, int]) -> tuple[float, int]:
    (a, ra), (b, rb) = left, right
    reason = ra or rb
    if op == "/" and rb == OK and abs(b) < 1e-12:
        reason = ZERO_DENOMINATOR
    if reason:
        return NAN, reason
    value = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else NAN}[op]
    return (value, OK) if math.isfinite(value) else (NAN, NOT_FINITE)


def reference(tree: tuple, row: dict[str, float]) -> tuple[float, int]:
    """The documented semantics for one element, in plain Python floats."""
    kind = tree[0]
    if kind in ("name", "num"):
        v = row[tree[1]] if kind == "name" else tree[1]
        if math.isnan(v):
            return NAN, MISSING
        return (v, OK) if math.isfinite(v) else (NAN, NOT_FINITE)
    if kind == "op":
        return combine(tree[1], reference(tree[2], row), reference(tree[3], row))
    if kind == "neg":
        value, reason = reference(tree[1], row)
        return -value, reason
    args = [reference(arg, row) for arg in tree[1]]
    if kind == "sum":
        result = args[0]
        for other in args[1:]:
            result = combine("+", result, other)
        return result
    reason = next((r for _, r in args if r), OK)
    if reason:
        return NAN, reason
    values = [v for v, _ in args]
    return {"abs": abs(values[0]), "min": min(values), "max": max(values)}[kind], OK


@settings(max_examples=300, deadline=None)
@given(tree=trees, chinese=st.booleans(), data=st.data())
def test_random_formulas_agree_with_reference(
    tree: tuple, chinese: bool, data: st.DataObject
) -> None:
    n = data.draw(st.integers(1, 6))
    columns = {name: np.array(data.draw(st.lists(cells, min_size=n, max_size=n))) for name in NAMES}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = parse_formula(render(tree, chinese)).evaluate(columns)
    assert result.values.shape == (n,)
    for i in range(n):
        expected, reason = reference(tree, {k: float(v[i]) for k, v in columns.items()})
        assert result.reason[i] == reason
        if reason == OK:
            assert result.values[i] == expected
        else:
            assert math.isnan(result.values[i])
