"""Indicator formulas and check rules from scheme files, evaluated over all units at once.

A formula is user text such as ``local_raised / (local_raised + superior_subsidy)``. It is
tokenised and parsed by a small recursive-descent parser into a tree of nodes; nothing is
ever handed to the Python interpreter, so a scheme file cannot run code.

Grammar::

    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := ("+" | "-") unary | primary
    primary := NUMBER | NAME | FUNCTION "(" sum ("," sum)* ")" | "(" sum ")"

``NAME`` is an ASCII identifier (a field of the base data); ``FUNCTION`` is one of ``sum``,
``min``, ``max`` (one or more arguments, elementwise) and ``abs`` (one argument). Function
names are lower case only. Anything else (power, attributes, subscripts, comparisons,
strings, keywords, ...) is rejected with a :class:`FormulaError` naming the construct.

Characters typed with a Chinese input method are read as their ASCII counterparts: ``×``,
``·`` as ``*``; ``÷`` as ``/``; ``−`` (U+2212) and ``–`` as ``-``; ``≤ ≥ ≠`` as ``<= >= !=``
(conditions only); and every full-width form (``（）``, ``，``, ``＋``, ``１``, ``ａ``, the
ideographic space, ...) through NFKC. NFKC is deliberately not applied to other characters:
it would turn ``a²`` into the different, valid name ``a2``. Error positions are 1-based
character positions in the text as written.

Evaluation is elementwise over float arrays (NaN is an empty cell) and gives, besides the
values, a reason per element:

``OK`` (0)
    a finite value.
``MISSING`` (1)
    some base data used is empty (NaN).
``ZERO_DENOMINATOR`` (2)
    a division by zero (``abs(denominator) < 1e-12``), whatever the numerator, even an
    empty one: the indicator does not apply to the unit, and filling in data cannot fix that.
``NOT_FINITE`` (3)
    any other non-finite result (overflow, infinite input).

Values are NaN wherever the reason is not ``OK``. Reasons propagate outwards: in
``(a / b) + c`` an element whose ``b`` is 0 keeps ``ZERO_DENOMINATOR``. When several
apply, the first in evaluation order (left to right) wins, except that a known zero
denominator wins over its numerator. An empty denominator is never "zero": it is ``MISSING``.

Examples
--------
>>> import numpy as np
>>> f = parse_formula("local_raised / (local_raised + superior_subsidy)")
>>> f.names
('local_raised', 'superior_subsidy')
>>> r = f.evaluate({"local_raised": np.array([30.0, 0.0, np.nan]),
...                 "superior_subsidy": np.array([70.0, 0.0, 5.0])})
>>> r.values
array([0.3, nan, nan])
>>> r.reason
array([0, 2, 1], dtype=int8)
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, NoReturn

import numpy as np

from kaoping.scoring.errors import Bilingual
from kaoping.scoring.i18n import DEFAULT_LANGUAGE
from kaoping.scoring.messages import message_text

__all__ = [
    "MISSING",
    "NOT_FINITE",
    "OK",
    "REASON_MESSAGES",
    "ZERO_DENOMINATOR",
    "Condition",
    "ConditionResult",
    "Formula",
    "FormulaError",
    "FormulaResult",
    "parse_condition",
    "parse_formula",
]

OK = 0
MISSING = 1
ZERO_DENOMINATOR = 2
NOT_FINITE = 3

#: Message code (in :data:`kaoping.scoring.messages.CATALOGUE`) for each non-OK reason.
REASON_MESSAGES: dict[int, str] = {
    MISSING: "eval.missing_value",
    ZERO_DENOMINATOR: "eval.zero_denominator",
    NOT_FINITE: "eval.not_finite",
}

# Denominators this close to 0 come from cancelling sums of money (e.g. 0.1 + 0.2 - 0.3);
# dividing by them gives absurd ratios rather than meaningful ones.
ZERO_EPSILON = 1e-12

# Deep enough for any real scheme, shallow enough to stay far from Python's recursion limit.
_MAX_DEPTH = 100

_FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "sum": (1, None),
    "min": (1, None),
    "max": (1, None),
    "abs": (1, 1),
}
_ARITHMETIC = frozenset({"+", "-", "*", "/", "(", ")", ","})
# Canonical spelling of each comparison; a lone "=" is what a full-width "＝" becomes.
_COMPARISONS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "!=": "!=", "=": "=="}

_REPLACEMENTS = {
    "×": "*",
    "·": "*",
    "∙": "*",
    "⋅": "*",
    "÷": "/",
    "−": "-",
    "–": "-",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
}

# Python-like operators are tokenised (not refused outright) so that the error can name them.
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
    |(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<str>'[^']*'?|"[^"]*"?)
    |(?P<op>\*\*|//|<=|>=|==|!=|<<|>>|:=|[-+*/(),.\[\]{}<>=%@&|^~:;!])
    """,
    re.VERBOSE,
)


class FormulaError(ValueError):
    """A formula or condition that cannot be used.

    Parameters
    ----------
    code : str
        Key of :data:`kaoping.scoring.messages.CATALOGUE`, one of ``formula.syntax``,
        ``formula.unknown_name``, ``formula.unknown_function``, ``formula.not_allowed``,
        ``formula.arity``.
    **params
        Values for the message template: ``position`` (1-based), ``name`` or ``what``.

    Examples
    --------
    >>> try:
    ...     parse_formula("a ** 2")
    ... except FormulaError as exc:
    ...     print(exc.code, exc.params)
    formula.not_allowed {'what': '**'}
    >>> print(FormulaError("formula.syntax", position=3))
    syntax error at position 3
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params: dict[str, Any] = dict(params)
        super().__init__(self.text("en"))

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``"zh"`` or ``"en"``."""
        template = message_text(self.code, lang)
        try:
            return template.format(**self.params)
        except (KeyError, IndexError):
            return template

    @property
    def message(self) -> Bilingual:
        """The message in both languages, for a :class:`~kaoping.scoring.errors.Problem`."""
        return Bilingual(self.text("zh"), self.text("en"))

    def __reduce__(self) -> tuple[Any, ...]:
        # The default would call FormulaError(message), losing code and params.
        return (_rebuild_error, (self.code, self.params))


def _rebuild_error(code: str, params: dict[str, Any]) -> FormulaError:
    return FormulaError(code, **params)


@dataclass(frozen=True, eq=False)
class FormulaResult:
    """Values of a formula for every unit, and why a value is missing.

    Attributes
    ----------
    values : ndarray of float
        NaN wherever ``reason`` is not ``OK``.
    reason : ndarray of int8
        ``OK``, ``MISSING``, ``ZERO_DENOMINATOR`` or ``NOT_FINITE`` per element.
    """

    values: np.ndarray
    reason: np.ndarray


# --- evaluation nodes -----------------------------------------------------------------------
# Every node returns (values, reason) with values finite where reason is OK and NaN elsewhere;
# the zero-denominator test relies on that (a NaN denominator is never "zero").

_Pair = tuple[np.ndarray, np.ndarray]


def _finish(values: Any, reason: Any) -> _Pair:
    values = np.asarray(values, dtype=float)
    reason = np.where((reason == OK) & ~np.isfinite(values), NOT_FINITE, reason)
    return np.where(reason == OK, values, np.nan), reason.astype(np.int8)


def _first_reason(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    return np.where(first != OK, first, second)


def _leaf(values: Any) -> _Pair:
    values = np.asarray(values, dtype=float)
    reason = np.where(np.isnan(values), MISSING, np.where(np.isfinite(values), OK, NOT_FINITE))
    return np.where(reason == OK, values, np.nan), reason.astype(np.int8)


class _Node:
    def evaluate(self, columns: Mapping[str, Any]) -> _Pair:
        raise NotImplementedError


@dataclass(frozen=True)
class _Const(_Node):
    value: float

    def evaluate(self, columns: Mapping[str, Any]) -> _Pair:
        return _leaf(self.value)


@dataclass(frozen=True)
class _Field(_Node):
    name: str

    def evaluate(self, columns: Mapping[str, Any]) -> _Pair:
        return _leaf(columns[self.name])


@dataclass(frozen=True)
class _Negate(_Node):
    operand: _Node

    def evaluate(self, columns: Mapping[str, Any]) -> _Pair:
        values, reason = self.operand.evaluate(columns)
        return np.negative(values), reason


_OPERATORS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
}


def _apply(op: str, left: _Pair, right: _Pair) -> _Pair:
    (a, ra), (b, rb) = left, right
    reason = _first_reason(ra, rb)
    if op == "/":
        reason = np.where(np.abs(b) < ZERO_EPSILON, ZERO_DENOMINATOR, reason)
    return _finish(_OPERATORS[op](a, b), reason)


@dataclass(frozen=True)
class _Chain(_Node):
    """``first op1 x1 op2 x2 ...`` at one precedence level, left to right.

    A flat chain rather than nested binary nodes, so that a long ``a + b + ... + z`` cannot
    exhaust the recursion limit.
    """

    first: _Node
    rest: tuple[tuple[str, _Node], ...]

    def evaluate(self, columns: Mapping[str, Any]) -> _Pair:
        result = self.first.evaluate(columns)
        for op, node in self.rest:
            result = _apply(op, result, node.evaluate(columns))
        return result


@dataclass(frozen=True)
class _Call(_Node):
    name: str
    args: tuple[_Node, ...]

    def evaluate(self, columns: Mapping[str, Any]) -> _Pair:
        pairs = [arg.evaluate(columns) for arg in self.args]
        if self.name == "abs":
            values, reason = pairs[0]
            return np.abs(values), reason
        if self.name == "sum":
            result = pairs[0]
            for pair in pairs[1:]:
                result = _apply("+", result, pair)
            return result
        combine = np.minimum if self.name == "min" else np.maximum
        values, reason = pairs[0]
        for other, other_reason in pairs[1:]:
            values, reason = combine(values, other), _first_reason(reason, other_reason)
        return _finish(values, reason)


# --- text to tokens -------------------------------------------------------------------------


class _Token(NamedTuple):
    kind: str  # "num", "name", "str" or "op"
    text: str  # after normalisation
    start: int  # 0-based, in the text as written
    end: int


def _normalise(text: str) -> tuple[str, list[int]]:
    """ASCII spelling of ``text``, and for each of its characters the index it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        new = _REPLACEMENTS.get(ch)
        if new is None:
            full_width = ch == "\u3000" or "\uff01" <= ch <= "\uff5e"
            new = unicodedata.normalize("NFKC", ch) if full_width else ch
        chars.append(new)
        origin.extend([i] * len(new))
    return "".join(chars), origin


def _tokenise(text: str) -> list[_Token]:
    normal, origin = _normalise(text)
    tokens = []
    pos = 0
    while pos < len(normal):
        match = _TOKEN.match(normal, pos)
        if match is None:
            raise FormulaError("formula.syntax", position=origin[pos] + 1)
        kind = match.lastgroup or ""
        if kind != "ws":
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            tokens.append(_Token(kind, match.group(), start, end))
        pos = match.end()
    return tokens


def _construct(text: str, tokens: list[_Token], k: int) -> str:
    """The short text of the forbidden construct at ``tokens[k]``, as the user wrote it."""
    tok = tokens[k]
    start, end = tok.start, tok.end
    if tok.text in (".", "["):
        if k > 0 and tokens[k - 1].kind in ("name", "num", "str"):
            start = tokens[k - 1].start
        if tok.text == "." and k + 1 < len(tokens) and tokens[k + 1].kind == "name":
            end = tokens[k + 1].end
        elif tok.text == "[":
            depth = 0
            for later in tokens[k:]:
                end = later.end
                depth += {"[": 1, "]": -1}.get(later.text, 0) if later.kind == "op" else 0
                if depth == 0:
                    break
    return text[start:end]


def _reject_forbidden(text: str, tokens: list[_Token], allowed: frozenset[str] | None) -> None:
    # Checked before parsing so that "a ** 2" says "** is not allowed", not "syntax error".
    for k, tok in enumerate(tokens):
        following = tokens[k + 1] if k + 1 < len(tokens) else None
        if tok.kind == "str" or (tok.kind == "op" and tok.text not in _ARITHMETIC):
            raise FormulaError("formula.not_allowed", what=_construct(text, tokens, k))
        if tok.kind == "name":
            if keyword.iskeyword(tok.text):
                raise FormulaError("formula.not_allowed", what=tok.text)
            calls = following is not None and following.kind == "op" and following.text == "("
            if calls and tok.text not in _FUNCTIONS:
                if allowed is not None and tok.text in allowed and following is not None:
                    # A declared field before "(" is a missing operator, as in "a (b + c)".
                    raise FormulaError("formula.syntax", position=following.start + 1)
                raise FormulaError("formula.unknown_function", name=tok.text)


# --- tokens to nodes ------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[_Token], end: int, allowed: frozenset[str] | None) -> None:
        self.tokens = tokens
        self.k = 0
        self.end = end  # 0-based position reported when the text ends too early
        self.allowed = allowed
        self.names: dict[str, None] = {}  # a dict keeps first-use order

    def parse(self) -> _Node:
        node = self._sum(0)
        if self.k < len(self.tokens):
            self._fail()
        return node

    def _fail(self) -> NoReturn:
        at = self.tokens[self.k].start if self.k < len(self.tokens) else self.end
        raise FormulaError("formula.syntax", position=at + 1)

    def _at(self, *ops: str) -> bool:
        if self.k >= len(self.tokens):
            return False
        tok = self.tokens[self.k]
        return tok.kind == "op" and tok.text in ops

    def _take(self) -> _Token:
        tok = self.tokens[self.k]
        self.k += 1
        return tok

    def _expect(self, op: str) -> None:
        if not self._at(op):
            self._fail()
        self.k += 1

    def _chain(self, ops: tuple[str, ...], operand: Callable[[int], _Node], depth: int) -> _Node:
        first = operand(depth)
        rest = []
        while self._at(*ops):
            op = self._take().text
            rest.append((op, operand(depth)))
        return _Chain(first, tuple(rest)) if rest else first

    def _sum(self, depth: int) -> _Node:
        return self._chain(("+", "-"), self._product, depth)

    def _product(self, depth: int) -> _Node:
        return self._chain(("*", "/"), self._unary, depth)

    def _unary(self, depth: int) -> _Node:
        if depth > _MAX_DEPTH:
            self._fail()
        if self._at("+", "-"):
            sign = self._take().text
            operand = self._unary(depth + 1)
            return _Negate(operand) if sign == "-" else operand
        return self._primary(depth)

    def _primary(self, depth: int) -> _Node:
        if self.k >= len(self.tokens):
            self._fail()
        tok = self.tokens[self.k]
        if tok.kind == "num":
            self.k += 1
            return _Const(float(tok.text))
        if tok.kind == "name":
            self.k += 1
            if self._at("("):
                return self._call(tok.text, depth)
            if self.allowed is not None and tok.text not in self.allowed:
                raise FormulaError("formula.unknown_name", name=tok.text)
            self.names.setdefault(tok.text)
            return _Field(tok.text)
        if self._at("("):
            self.k += 1
            node = self._sum(depth + 1)
            self._expect(")")
            return node
        self._fail()

    def _call(self, name: str, depth: int) -> _Node:
        self._expect("(")
        args = []
        if not self._at(")"):
            args.append(self._sum(depth + 1))
            while self._at(","):
                self.k += 1
                args.append(self._sum(depth + 1))
        self._expect(")")
        low, high = _FUNCTIONS[name]
        if len(args) < low or (high is not None and len(args) > high):
            raise FormulaError("formula.arity", name=name)
        return _Call(name, tuple(args))


def _common_shape(columns: Mapping[str, Any]) -> tuple[int, ...]:
    shapes = [np.shape(v) for v in columns.values()]
    if not shapes:
        return (1,)
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        shape = shapes[0]
    return shape or (1,)


@dataclass(frozen=True)
class Formula:
    """A parsed formula, ready to evaluate over many units; see :func:`parse_formula`.

    Attributes
    ----------
    text : str
        The formula as written in the scheme file.
    names : tuple of str
        Field names used, in order of first use.
    """

    text: str
    names: tuple[str, ...]
    _root: _Node = field(repr=False, compare=False)

    def evaluate(self, columns: Mapping[str, Any]) -> FormulaResult:
        """Evaluate elementwise over arrays of base data.

        Parameters
        ----------
        columns : mapping of str to array_like
            Field name to float values, NaN for an empty cell. Arrays broadcast, so 1-D
            ``(units,)`` and 2-D ``(replicates, units)`` columns can be mixed. Columns not
            used are ignored, except that a formula without names takes their common shape
            (length 1 when the mapping is empty).

        Returns
        -------
        FormulaResult
            New arrays (never views of ``columns``).

        Raises
        ------
        KeyError
            A name used by the formula is not in ``columns``.

        Examples
        --------
        >>> import numpy as np
        >>> f = parse_formula("sum(a, b) / c")
        >>> r = f.evaluate({"a": np.array([1.0, 1.0, np.nan]), "b": np.array([3.0, 2.0, 1.0]),
        ...                 "c": np.array([2.0, 0.0, 0.0])})
        >>> r.values, r.reason
        (array([ 2., nan, nan]), array([0, 2, 2], dtype=int8))
        >>> parse_formula("2 * 3").evaluate({"a": np.zeros(2)}).values
        array([6., 6.])
        """
        for name in self.names:
            if name not in columns:
                raise KeyError(name)
        with np.errstate(all="ignore"):
            values, reason = self._root.evaluate(columns)
        shape = np.broadcast_shapes(np.shape(values), np.shape(reason))
        if shape == ():
            shape = _common_shape(columns)
        return FormulaResult(
            values=np.array(np.broadcast_to(values, shape), dtype=float),
            reason=np.array(np.broadcast_to(reason, shape), dtype=np.int8),
        )


def _build(text: str, tokens: list[_Token], end: int, allowed: frozenset[str] | None) -> Formula:
    _reject_forbidden(text, tokens, allowed)
    parser = _Parser(tokens, end, allowed)
    root = parser.parse()
    source = text[tokens[0].start : tokens[-1].end] if tokens else ""
    return Formula(text=source, names=tuple(parser.names), _root=root)


def _allowed(names: Iterable[str] | None) -> frozenset[str] | None:
    return None if names is None else frozenset(names)


def parse_formula(text: str, allowed_names: Iterable[str] | None = None) -> Formula:
    """Parse an indicator formula.

    Parameters
    ----------
    text : str
        For example ``"employed_after_subsidy / fund_expenditure * price_factor"``. Chinese
        operator characters and full-width forms are accepted (see the module docstring).
    allowed_names : iterable of str, optional
        The declared fields; any other name is an error. ``None`` accepts every name.

    Returns
    -------
    Formula
        With ``text`` exactly as given.

    Raises
    ------
    FormulaError
        ``formula.syntax`` (``position``), ``formula.unknown_name`` (``name``),
        ``formula.unknown_function`` (``name``), ``formula.arity`` (``name``) or
        ``formula.not_allowed`` (``what``).

    Examples
    --------
    >>> import numpy as np
    >>> f = parse_formula("（a＋b）× 2 ÷ c")
    >>> f.names
    ('a', 'b', 'c')
    >>> f.evaluate({"a": np.array([1.0]), "b": np.array([2.0]), "c": np.array([4.0])}).values
    array([1.5])
    >>> parse_formula("a + x", allowed_names=["a"])
    Traceback (most recent call last):
    ...
    kaoping.scoring.formulas.FormulaError: uses the undeclared field “x”
    >>> parse_formula("a + * b")
    Traceback (most recent call last):
    ...
    kaoping.scoring.formulas.FormulaError: syntax error at position 5
    """
    tokens = _tokenise(text)
    formula = _build(text, tokens, len(text), _allowed(allowed_names))
    return Formula(text=text, names=formula.names, _root=formula._root)


@dataclass(frozen=True, eq=False)
class ConditionResult:
    """Outcome of a :class:`Condition` per element.

    Attributes
    ----------
    holds : ndarray of bool
        True where the condition holds or cannot be checked (a side is NaN).
    left, right : ndarray of float
        The two sides' values, NaN where not applicable.
    """

    holds: np.ndarray
    left: np.ndarray
    right: np.ndarray


@dataclass(frozen=True)
class Condition:
    """A comparison of two formulas, such as a data check ``sum(a, b) <= total``.

    Attributes
    ----------
    text : str
        As written.
    left, right : Formula
    op : str
        One of ``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=`` (``≤``, ``＝``, ... normalised).
    """

    text: str
    left: Formula
    op: str
    right: Formula

    @property
    def names(self) -> tuple[str, ...]:
        """Field names used on either side, in order of first use."""
        return tuple(dict.fromkeys(self.left.names + self.right.names))

    def evaluate(self, columns: Mapping[str, Any], tolerance: float = 1e-9) -> ConditionResult:
        """Check the condition for every element.

        The sides count as equal when ``abs(left - right) <= tolerance * max(1, abs(right))``;
        so ``<=`` holds when ``left <= right + tolerance * max(1, abs(right))``, and ``<``
        needs ``left`` below ``right`` by more than that. An element where either side is
        NaN (missing data, zero denominator, non-finite) holds: with no value there is no
        violation to report. Whether data is missing is for other checks to say.

        Parameters
        ----------
        columns : mapping of str to array_like
            As for :meth:`Formula.evaluate`.
        tolerance : float
            Relative tolerance, at least 0; 0 compares exactly.

        Returns
        -------
        ConditionResult
            ``holds``, ``left`` and ``right`` broadcast to one shape.

        Examples
        --------
        >>> import numpy as np
        >>> c = parse_condition("sum(a, b) <= total")
        >>> r = c.evaluate({"a": np.array([1.0, 2.0, np.nan]), "b": np.array([2.0, 2.0, 1.0]),
        ...                 "total": np.array([3.0, 3.0, 0.0])})
        >>> r.holds
        array([ True, False,  True])
        >>> parse_condition("0.1 + 0.2 == 0.3").evaluate({}).holds
        array([ True])
        """
        if not tolerance >= 0:
            raise ValueError(f"tolerance must be at least 0, not {tolerance!r}")
        left, right = np.broadcast_arrays(
            self.left.evaluate(columns).values, self.right.evaluate(columns).values
        )
        with np.errstate(all="ignore"):
            close = np.abs(left - right) <= tolerance * np.maximum(1.0, np.abs(right))
            holds = {
                "<": (left < right) & ~close,
                "<=": (left < right) | close,
                ">": (left > right) & ~close,
                ">=": (left > right) | close,
                "==": close,
                "!=": ~close,
            }[self.op]
        holds = holds | np.isnan(left) | np.isnan(right)
        return ConditionResult(
            holds=np.array(holds, dtype=bool), left=left.copy(), right=right.copy()
        )


def parse_condition(text: str, allowed_names: Iterable[str] | None = None) -> Condition:
    """Parse a condition: two formulas and one comparison between them.

    Parameters
    ----------
    text : str
        For example ``"C + D > 50"``. The comparison is one of ``<= >= == != < >``, also
        written ``≤ ≥ ≠ ＜ ＞ ＝`` (a single ``=`` means ``==``).
    allowed_names : iterable of str, optional
        As for :func:`parse_formula`.

    Returns
    -------
    Condition

    Raises
    ------
    FormulaError
        As for :func:`parse_formula`; ``formula.syntax`` also when there is no comparison
        (position just after the text) or more than one (position of the second).

    Examples
    --------
    >>> c = parse_condition("C + D ＞ 50")
    >>> c.left.text, c.op, c.right.text
    ('C + D', '>', '50')
    >>> parse_condition("a < b < c")
    Traceback (most recent call last):
    ...
    kaoping.scoring.formulas.FormulaError: syntax error at position 7
    """
    tokens = _tokenise(text)
    found = [k for k, tok in enumerate(tokens) if tok.kind == "op" and tok.text in _COMPARISONS]
    if not found:
        raise FormulaError("formula.syntax", position=len(text) + 1)
    if len(found) > 1:
        raise FormulaError("formula.syntax", position=tokens[found[1]].start + 1)
    k = found[0]
    allowed = _allowed(allowed_names)
    left = _build(text, tokens[:k], tokens[k].start, allowed)
    right = _build(text, tokens[k + 1 :], len(text), allowed)
    return Condition(text=text, left=left, op=_COMPARISONS[tokens[k].text], right=right)
