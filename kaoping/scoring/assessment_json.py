"""An :class:`~kaoping.scoring.assessment.Assessment` as plain JSON and back.

The archive stores every input of a round this way (``data/assessment.json``), so that
``kaoping archive verify`` can rebuild the very same assessment years later and re-score it:
base data, expert scores with recusals, bonus / deduction entries, targets, price factors,
earlier periods and the reward fund. Floats round-trip exactly through JSON.

Examples
--------
>>> from kaoping.scoring import BaseData, load_scheme
>>> from kaoping.scoring.assessment import Assessment
>>> scheme = load_scheme("mof-2012")
>>> a = Assessment(scheme, BaseData.from_records([{"unit_code": "01", "x": 0.1}]),
...                price_factors={"01": 1.05}, period="2024")
>>> b = assessment_from_dict(scheme, assessment_to_dict(a))
>>> b.price_factors, b.period, b.data.fingerprint() == a.data.fingerprint()
({'01': 1.05}, '2024', True)
"""

from __future__ import annotations

import dataclasses
from typing import Any

from kaoping.scoring.adjustments import AdjustmentEntry
from kaoping.scoring.assessment import Assessment, RewardFund
from kaoping.scoring.data import BaseData, UnitRef
from kaoping.scoring.experts import ExpertScore, Recusal
from kaoping.scoring.schemes import Scheme
from kaoping.scoring.targets import Target

FORMAT = "kaoping-assessment/1"


def data_to_dict(data: BaseData) -> dict[str, Any]:
    """Units and numeric columns (NaN as null), with the file name and rows they came from."""
    return {
        "units": [[u.code, u.name, u.year] for u in data.units],
        "columns": {
            k: [None if v != v else v for v in col.tolist()] for k, col in data.columns.items()
        },
        "source": data.source,
        "rows": data.rows,
    }


def data_from_dict(doc: dict[str, Any]) -> BaseData:
    units = [UnitRef(str(code), str(name), year) for code, name, year in doc["units"]]
    columns = {
        k: [float("nan") if v is None else float(v) for v in values]
        for k, values in doc["columns"].items()
    }
    data = BaseData(units=units, columns=columns, source=doc.get("source"), rows=doc.get("rows"))  # type: ignore[arg-type]
    data.sha256 = data.fingerprint()
    return data


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """Every input of ``assessment`` except the scheme (archived on its own), as JSON."""
    fund = assessment.fund
    return {
        "format": FORMAT,
        "scheme_sha256": assessment.scheme.sha256,
        "period": assessment.period,
        "data": data_to_dict(assessment.data),
        "expert_scores": [dataclasses.asdict(s) for s in assessment.expert_scores],
        "recusals": [dataclasses.asdict(r) for r in assessment.recusals],
        "adjustments": [dataclasses.asdict(e) for e in assessment.adjustments],
        "targets": [dataclasses.asdict(t) for t in assessment.targets],
        "price_factors": assessment.price_factors,
        "fund": None
        if fund is None
        else {
            "total": str(fund.total),
            "by_score": fund.by_score,
            "precision": fund.precision,
        },
        "previous": [assessment_to_dict(p) for p in assessment.previous],
    }


def assessment_from_dict(scheme: Scheme, doc: dict[str, Any]) -> Assessment:
    """The inverse of :func:`assessment_to_dict`, under ``scheme``."""
    fund = doc.get("fund")
    return Assessment(
        scheme=scheme,
        data=data_from_dict(doc["data"]),
        expert_scores=tuple(ExpertScore(**s) for s in doc.get("expert_scores", [])),
        recusals=tuple(Recusal(**r) for r in doc.get("recusals", [])),
        adjustments=tuple(AdjustmentEntry(**e) for e in doc.get("adjustments", [])),
        targets=tuple(
            Target(**{**t, "plan": tuple(t.get("plan", ()))}) for t in doc.get("targets", [])
        ),
        price_factors=doc.get("price_factors"),
        previous=tuple(assessment_from_dict(scheme, p) for p in doc.get("previous", [])),
        period=doc.get("period"),
        fund=None if fund is None else RewardFund(**fund),
    )
