"""The hand-worked example of docs/mof-2012.md, recomputed by the real engine.

The test reads the doc's markdown tables and the example CSV, evaluates the CSV under the
built-in scheme, and compares every number of every table (to the 4 decimals shown), so the
doc and the engine can never disagree silently.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import pytest

from kaoping.scoring import BaseData, evaluate, explain, load_scheme
from kaoping.scoring.evaluation import MISSING, ZERO_DENOMINATOR

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "mof-2012.md"
CSV = ROOT / "docs" / "examples" / "mof-2012-worked.csv"
# The evaluator's price factors: a table of the round, not a column of the units' data.
FACTORS = ROOT / "docs" / "examples" / "mof-2012-worked-price-factors.csv"
NOT_APPLICABLE = {"—（分母为零）": ZERO_DENOMINATOR, "—（缺数）": MISSING}


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def doc_table(name: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the markdown table right after ``<!-- table: name -->``."""
    lines = doc_text().splitlines()
    start = lines.index(f"<!-- table: {name} -->") + 1
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    header, separator, *rows = table
    assert set("".join(separator)) <= set("-:"), separator
    return header, rows


def by_key(rows: list[list[str]]) -> dict[str, list[str]]:
    """Rows by the first word of their first cell (a code)."""
    return {row[0].split()[0]: row[1:] for row in rows}


def f4(x: float) -> str:
    return f"{x:.4f}"


def records() -> list[dict[str, str]]:
    """The units' data with the evaluator's factor added (empty where the table has none)."""
    with FACTORS.open(encoding="utf-8", newline="") as handle:
        factors = {r["单位编码"]: r["物价矫正系数"] for r in csv.DictReader(handle)}
    with CSV.open(encoding="utf-8", newline="") as handle:
        return [
            dict(r, price_factor=factors.get(r["unit_code"], "")) for r in csv.DictReader(handle)
        ]


@pytest.fixture(scope="module")
def scheme():
    return load_scheme("mof-2012")


@pytest.fixture(scope="module")
def result(scheme):
    return evaluate(scheme, BaseData.from_records(records(), source=CSV.name))


def unit_columns(header: list[str], result, skip: int = 1) -> list[int]:
    """Positions of the units in the result, in the order of the table's unit columns."""
    codes = [cell.split()[0] for cell in header[skip:]]
    assert codes == result.codes  # every unit, in file order
    return [result.index(code) for code in codes]


def assert_unit_table(name: str, result, array: np.ndarray) -> None:
    header, rows = doc_table(name)
    positions = unit_columns(header, result)
    table = by_key(rows)
    assert list(table) == result.scheme.indicator_codes
    for j, code in enumerate(result.scheme.indicator_codes):
        for cell, u in zip(table[code], positions, strict=True):
            if cell in NOT_APPLICABLE:
                assert math.isnan(array[u, j]), (name, code, u)
                assert result.reasons[u, j] == NOT_APPLICABLE[cell], (name, code, u)
            else:
                assert cell == f4(array[u, j]), (name, code, result.codes[u], cell)


# --- the data ---------------------------------------------------------------------------------


def test_raw_table_is_the_csv(scheme):
    header, rows = doc_table("raw")
    data = records()
    assert [c.split()[0] for c in header[2:]] == [r["unit_code"] for r in data]
    assert [c.split()[1] for c in header[2:]] == [r["unit_name"] for r in data]
    keys = [row[0] for row in rows]
    expected_keys = [f.key for f in scheme.fields if f.key not in ("unit_code", "unit_name")]
    assert keys == expected_keys  # every field of the base-data table, in scheme order
    for row in rows:
        key, label, cells = row[0], row[1], row[2:]
        assert label.startswith(scheme.field(key).label)
        for cell, record in zip(cells, data, strict=True):
            assert cell == (record[key] or "（空）"), key


def test_the_tables_reader_gives_the_same_result(result, scheme):
    from kaoping.scoring import assess
    from kaoping.tables.inputs import read_assessment

    again = assess(read_assessment(CSV, scheme, price_factors=FACTORS)).evaluation
    assert again.codes == result.codes
    np.testing.assert_array_equal(again.totals, result.totals)
    np.testing.assert_array_equal(again.reasons, result.reasons)


# --- every table of the doc -----------------------------------------------------------------


def test_tree_table_is_the_scheme(scheme):
    _, rows = doc_table("tree")
    table = by_key(rows)
    walk = [node.code for _, node in scheme.walk()]
    assert list(table) == walk
    for code, (parent, name, formula, weight, share) in table.items():
        if code in scheme.indicator_codes:
            node = scheme.indicator(code)
            assert (parent, formula) == (node.group, f"`{node.formula.text}`")
        else:
            node = scheme.group(code)
            assert (parent, formula) == ("—", "—")
        assert name == node.name
        assert weight == f"{node.weight * 100:g}%"
        assert share == f"{scheme.absolute_weight(code) * 100:g}%"


def test_assumptions_are_copied_from_the_scheme(scheme):
    lines = doc_text().splitlines()
    start = lines.index("<!-- list: assumptions -->") + 1
    listed = []
    for line in lines[start:]:
        if not line.startswith("- "):
            break
        listed.append(line[2:])
    assert listed == list(scheme.assumptions)


def test_values(result):
    assert_unit_table("values", result, result.values)


def test_mean_sd_and_n(result):
    _, rows = doc_table("stats")
    table = by_key(rows)
    assert list(table) == result.scheme.indicator_codes
    for code, (n, mean, sd) in table.items():
        stats = result.stats[code]
        assert (int(n), mean, sd) == (stats["n"], f4(stats["mean"]), f4(stats["sd"])), code


def test_z(result):
    assert_unit_table("z", result, result.z)


def test_scores(result):
    assert_unit_table("scores", result, result.scores)
    # no clamping can happen with 4 units: |z| <= sqrt(3), as the doc says
    np.testing.assert_array_equal(np.nan_to_num(result.scores), np.nan_to_num(result.raw_scores))
    assert np.nanmax(np.abs(result.z)) == pytest.approx(math.sqrt(3))


def test_renormalised_weights_of_group_d(result):
    _, rows = doc_table("d_weights")
    ex = explain(result, "110106")
    steps = {s.code: s for s in ex.indicators}
    table = by_key(rows)
    assert list(table) == ["D1", "D2", "D3", "D4", "D5"]
    for code, (weight, effective, score, contribution) in table.items():
        step = steps[code]
        assert weight == f"{step.weight * 100:g}%"
        assert effective == f"{step.effective_weight * 100:g}%"
        if step.used_score is None:
            assert (score, contribution) == ("—（分母为零）", "—")
            assert step.reason == "eval.zero_denominator"
        else:
            assert (score, contribution) == (f4(step.used_score), f4(step.contribution))
    d = next(g for g in ex.groups if g.code == "D")
    assert sum(steps[c].contribution for c in table) == pytest.approx(d.score)


def test_group_scores_totals_ranks_grades(result):
    header, rows = doc_table("totals")
    positions = [result.index(row[0].split()[0]) for row in rows]
    assert sorted(positions) == list(range(len(result.codes)))
    assert header[1:5] == ["A", "B", "C", "D"]
    for row, u in zip(rows, positions, strict=True):
        groups, total, rank, grade = row[1:5], row[5], row[6], row[7]
        assert groups == [f4(result.group_scores[g][u]) for g in "ABCD"]
        assert total == f4(result.totals[u])
        assert int(rank) == result.ranks[u]
        assert grade == result.grades[u]


def test_explanation_adds_up_for_every_unit(result):
    for code in result.codes:
        ex = explain(result, code)
        assert ex.check["difference"] < 1e-9
        assert ex.total == pytest.approx(ex.base_total)


def test_explain_excerpt_in_the_doc_is_what_the_engine_prints(result):
    excerpt = doc_text().split("```text\n")[1].split("```")[0].strip().splitlines()
    rendered = [line.strip() for line in explain(result, "110106").render("zh").splitlines()]
    first = rendered.index(excerpt[0].strip())
    assert rendered[first : first + len(excerpt)] == [line.strip() for line in excerpt]


# --- the variant with standards -------------------------------------------------------------


def test_variant_with_standards_and_clamping(tmp_path):
    toml = doc_text().split("```toml\n")[1].split("```")[0]
    path = tmp_path / "mof-2012-worked-standards.toml"
    path.write_text(toml, encoding="utf-8")
    scheme = load_scheme(path)
    variant = evaluate(scheme, BaseData.from_records(records()))
    header, rows = doc_table("variant")
    positions = unit_columns(header, variant, skip=2)
    table = {row[0]: row[2:] for row in rows}
    j = {code: variant.column(code) for code in ("A2", "C2")}
    expected = {
        "A2.raw_score": [f4(variant.raw_scores[u, j["A2"]]) for u in positions],
        "A2.points": [f4(variant.standard_points[u, j["A2"]]) for u in positions],
        "A2.score": [f4(variant.scores[u, j["A2"]]) for u in positions],
        "C2.raw_score": [f4(variant.raw_scores[u, j["C2"]]) for u in positions],
        "C2.points": [f4(variant.standard_points[u, j["C2"]]) for u in positions],
        "C2.score": [f4(variant.scores[u, j["C2"]]) for u in positions],
        "A": [f4(variant.group_scores["A"][u]) for u in positions],
        "C": [f4(variant.group_scores["C"][u]) for u in positions],
        "total": [f4(variant.totals[u]) for u in positions],
        "rank": [str(variant.ranks[u]) for u in positions],
        "grade": [variant.grades[u] for u in positions],
    }
    assert table == expected
    # the clamp really happened: 97.3205 + 5 > 100
    fengtai = variant.index("110106")
    assert variant.raw_scores[fengtai, j["A2"]] + 5 > 100
    assert variant.scores[fengtai, j["A2"]] == 100.0


# --- price factor -----------------------------------------------------------------------------


def test_price_factor_absent_empty_or_one_is_the_same(scheme, result):
    data = records()
    ones = [dict(r, price_factor="1") for r in data]
    empty = [dict(r, price_factor="") for r in data]
    no_column = [{k: v for k, v in r.items() if k != "price_factor"} for r in data]
    a = evaluate(scheme, BaseData.from_records(ones))
    b = evaluate(scheme, BaseData.from_records(no_column))
    c = evaluate(scheme, BaseData.from_records(empty))
    np.testing.assert_array_equal(a.totals, b.totals)
    np.testing.assert_array_equal(a.totals, c.totals)
    # only 朝阳区 has a factor (1.25): it multiplies C1 and D1-D5 and nothing else
    chaoyang = result.index("110105")
    ratio = result.values[chaoyang] / a.values[chaoyang]
    multiplied = [result.column(c) for c in ("C1", "D1", "D2", "D3", "D4", "D5")]
    assert ratio[multiplied].tolist() == [1.25] * 6
    others = [j for j in range(12) if j not in multiplied]
    assert ratio[others].tolist() == [1.0] * 6


def test_unit_codes_keep_text_and_weights_sum(scheme, result):
    assert result.codes == ["110101", "110102", "110105", "110106"]
    assert re.fullmatch(r"[0-9a-f]{64}", result.data.sha256)
    assert sum(g.weight for g in scheme.top_groups) == pytest.approx(1.0)
