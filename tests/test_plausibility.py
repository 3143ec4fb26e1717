"""Issue 11: plausibility checks declared in the scheme give warnings naming the file, row,
column and value, for each implausible input the attack campaign found; the demo data gives
none."""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path

import pytest

from kaoping.scoring import load_scheme
from kaoping.scoring.errors import SchemeError
from kaoping.scoring.schemes import scheme_from_dict
from kaoping.tables import read_base_data
from kaoping.tables.plausibility import plausibility_warnings, robust_z, rules_of

ROOT = Path(__file__).parents[1]
DEMO_2024 = ROOT / "examples" / "mof-2012-demo-2024.csv"
DEMO_2023 = ROOT / "examples" / "mof-2012-demo-2023.csv"


def demo_rows(path: Path = DEMO_2024) -> list[dict]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def as_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def warnings_for(rows: list[dict], scheme="mof-2012", **kwargs):
    loaded = load_scheme(scheme)
    data = read_base_data(as_csv(rows), loaded, filename="基础数据.csv")
    return plausibility_warnings(data, loaded, **kwargs)


def changed(key: str, value, unit: int = 0) -> list[dict]:
    rows = demo_rows()
    rows[unit][key] = value
    return rows


def test_the_demo_data_is_plausible():
    assert warnings_for(demo_rows(), year=2024) == []


def test_a_rate_typed_as_a_fraction_is_named_with_file_row_column_and_value():
    (warning,) = warnings_for(changed("registered_unemployment_rate", "0.0203"), only=["ranges"])
    assert warning.severity == "warning" and warning.code == "plausibility.range"
    assert (warning.file, warning.row, warning.column, warning.value) == (
        "基础数据.csv",
        2,
        "城镇登记失业率",
        0.0203,
    )
    assert "百分数填成了小数" in warning.render("zh")


def test_one_huge_value_is_an_outlier():
    warnings = warnings_for(changed("local_raised", "1e300", unit=3), only=["outliers"])
    assert [(w.code, w.row, w.params["key"]) for w in warnings] == [
        ("plausibility.outlier", 5, "local_raised")
    ]


def test_recipients_with_zero_subsidy_and_the_reverse():
    rows = changed("social_insurance_subsidy", "0", unit=1)
    rows[2]["public_welfare_post_recipients"] = "0"
    warnings = warnings_for(rows, only=["pairs"])
    assert [(w.code, w.row) for w in warnings] == [
        ("plausibility.people_without_money", 3),
        ("plausibility.money_without_people", 4),
    ]


def test_a_unit_with_every_amount_zero():
    loaded = load_scheme("mof-2012")
    rows = demo_rows()
    for field in loaded.fields:
        if field.type == "amount":
            rows[4][field.key] = "0"
    warnings = warnings_for(rows, only=["all_amounts_zero"])
    assert [(w.code, w.row) for w in warnings] == [("plausibility.all_zero", 6)]


def test_small_loan_recoveries_above_the_loans_due():
    path = ROOT / "examples" / "beijing" / "small-loan-2024.csv"
    rows = demo_rows(path)
    rows[0]["loans_recovered"] = str(float(rows[0]["loans_due"]) * 1.2)
    warnings = warnings_for(rows, "beijing-small-loan", only=["shares"])
    assert [w.code for w in warnings] == ["plausibility.share"]
    assert "120%" in warnings[0].render("zh")


def test_last_years_figure_is_compared_with_last_years_data():
    loaded = load_scheme("mof-2012")
    previous = read_base_data(DEMO_2023, loaded)
    assert warnings_for(demo_rows(), previous=previous, only=["previous"]) == []
    rows = changed("prev_local_raised", "99999")
    (warning,) = warnings_for(rows, previous=previous, only=["previous"])
    assert (
        warning.code == "plausibility.previous" and warning.column == "上年本级财政筹集就业专项资金"
    )


def test_a_table_of_another_year_in_the_round():
    rows = demo_rows()
    for row in rows:
        row["year"] = "2023"  # the reader already refuses a table mixing years
    warnings = warnings_for(rows, year=2024, only=["year"])
    assert len(warnings) == len(rows) and warnings[0].code == "plausibility.year"
    assert "与本轮评价年度 2024 不符" in warnings[0].render("zh")


def test_only_the_chosen_units_are_reported_but_compared_with_all():
    rows = changed("local_raised", "1e300", unit=3)
    code = rows[3]["unit_code"]
    assert warnings_for(rows, units=[rows[0]["unit_code"]]) == []
    assert [w.params["code"] for w in warnings_for(rows, units=[code])] == [code]


def test_a_scheme_naming_an_unknown_field_is_refused():
    raw = copy.deepcopy(dict(load_scheme("mof-2012").raw))
    raw["plausibility"] = {"ranges": [{"field": "nope", "min": 0}], "colour": "red"}
    with pytest.raises(SchemeError) as caught:
        rules_of(scheme_from_dict(raw))
    assert {p.code for p in caught.value.problems} == {
        "scheme.plausibility_field",
        "scheme.unknown_key",
    }


@pytest.mark.parametrize(
    "code",
    [
        "mof-2012",
        "beijing-small-loan",
        "beijing-district-comprehensive",
        "beijing-fund-performance",
        "member-unit-targets",
    ],
)
def test_every_builtin_schemes_checks_are_valid(code):
    rules_of(load_scheme(code))


def test_robust_z_survives_equal_values():
    assert list(robust_z([0.0, 0.0, 0.0, 0.0])) == [0.0, 0.0, 0.0, 0.0]
    z = robust_z([0.0, 0.0, 0.0, 0.0, 5.0])
    assert z[-1] > 3.5 and z[0] == 0.0


def test_the_command_line_shows_the_warnings_and_still_evaluates(tmp_path):
    import subprocess
    import sys

    rows = changed("registered_unemployment_rate", "0.0203")
    path = tmp_path / "基础数据.csv"
    path.write_bytes(as_csv(rows))
    kaoping = str(Path(sys.executable).with_name("kaoping"))
    for command in ("check", "evaluate"):
        done = subprocess.run(
            [kaoping, command, str(path)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        assert "第 2 行 “城镇登记失业率”列" in done.stderr and "0.0203" in done.stderr
