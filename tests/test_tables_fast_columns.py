"""The whole-column parser for plain number texts gives exactly what the cell-by-cell parser
gives, and leaves every other column to it (so messages stay the same)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from kaoping.scoring.schemes import FieldSpec
from kaoping.tables import columns
from kaoping.tables.columns import CellPlace, parse_numeric_column

PIECES = [
    "1",
    "12.5",
    "-3",
    "+4.",
    ".5",
    "1e3",
    "-2.5E-2",
    "",
    "",
    "007",
    "1,234",
    " 7",
    "１２",
    "nan",
    "1e999",
    "abc",
    "3%",
    "5.5.5",
    "-",
    "0",
]


def slow(cells, spec, place):
    """The cell-by-cell parser alone (the fast path switched off)."""
    original = columns._plain_numbers
    columns._plain_numbers = lambda cells: None
    try:
        return parse_numeric_column(cells, spec, place)
    finally:
        columns._plain_numbers = original


@pytest.mark.parametrize(
    "spec",
    [
        FieldSpec("x", "x", "number"),
        FieldSpec("x", "x", "rate", required=False),
        FieldSpec("x", "x", "amount", min=0.0, default=1.0),
    ],
)
def test_fast_column_equals_cell_by_cell(spec):
    rng = random.Random(5)
    for trial in range(400):
        pool = PIECES[:10] if trial % 2 else PIECES
        cells = [rng.choice(pool) for _ in range(rng.randint(1, 12))]
        place = CellPlace("t.csv", "x", list(range(2, 2 + len(cells))))
        fast, ref = parse_numeric_column(cells, spec, place), slow(cells, spec, place)
        assert np.array_equal(fast.values, ref.values, equal_nan=True), cells
        assert fast.bad.tolist() == ref.bad.tolist()
        assert [p.text("zh") for p in fast.problems] == [p.text("zh") for p in ref.problems]


def test_fast_path_is_taken_for_plain_columns_only():
    assert columns._plain_numbers(["1", "", "2.5e1"]) is not None
    for bad in (["1", "1e999"], ["1", " 2"], ["1", 2.0], [], ["1", "1,000"]):
        assert columns._plain_numbers(bad) is None, bad
