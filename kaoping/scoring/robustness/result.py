"""The result: rank distribution per unit and sensitivity per choice, as rows and documents."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kaoping.scoring.data import UnitRef
from kaoping.scoring.errors import Problem
from kaoping.scoring.i18n import gettext, pgettext
from kaoping.scoring.missing import nan_to_none
from kaoping.scoring.robustness.options import RobustnessOptions, factor_label
from kaoping.scoring.robustness.sensitivity import FactorSensitivity
from kaoping.scoring.robustness.tiers import TierRule
from kaoping.scoring.schemes import Scheme


@dataclass
class RobustnessResult:
    """Rank distribution per unit and sensitivity per choice (arrays aligned with ``units``)."""

    scheme: Scheme
    units: list[UnitRef]
    options: RobustnessOptions
    tiers: TierRule
    nominal_totals: np.ndarray
    nominal_ranks: np.ndarray
    median_rank: np.ndarray
    p05_rank: np.ndarray
    p95_rank: np.ndarray
    mean_rank: np.ndarray
    unranked_share: np.ndarray
    tier_probabilities: np.ndarray
    sensitivity: list[FactorSensitivity] = field(default_factory=list)
    weight_redraws: int = 0
    warnings: list[Problem] = field(default_factory=list)  # e.g. redundant alternatives

    def order(self) -> list[int]:
        """Units by nominal rank (unranked last), then by median rank."""
        n = len(self.units)
        keys = [
            (r if r > 0 else n + 1, m if not math.isnan(m) else n + 1, i)
            for i, (r, m) in enumerate(zip(self.nominal_ranks, self.median_rank, strict=True))
        ]
        return [i for *_, i in sorted(keys)]

    def unit_rows(self, lang: str = "zh") -> list[dict[str, Any]]:
        """One plain dict per unit, in :meth:`order`."""
        names = self.tiers.names_for(lang)
        rows = []
        for u in self.order():
            rows.append(
                {
                    "code": self.units[u].code,
                    "name": self.units[u].name,
                    "nominal_total": nan_to_none(self.nominal_totals[u]),
                    "nominal_rank": int(self.nominal_ranks[u]) or None,
                    "median_rank": nan_to_none(self.median_rank[u]),
                    "p05_rank": nan_to_none(self.p05_rank[u]),
                    "p95_rank": nan_to_none(self.p95_rank[u]),
                    "mean_rank": nan_to_none(self.mean_rank[u]),
                    "unranked_share": float(self.unranked_share[u]),
                    "tiers": {
                        name: float(p)
                        for name, p in zip(names, self.tier_probabilities[u], strict=True)
                    },
                }
            )
        return rows

    def ranked_sensitivity(self) -> list[FactorSensitivity]:
        """Choices from the most to the least influential (total index, then shift)."""
        return sorted(self.sensitivity, key=lambda s: (-(s.total or 0.0), -s.mean_rank_shift))

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The JSON document: scheme, options, per-unit rank distribution, sensitivity."""
        o = self.options
        return {
            "scheme": {
                "code": self.scheme.code,
                "version": self.scheme.version,
                "sha256": self.scheme.sha256,
            },
            "options": {
                "replicates": o.replicates,
                "weight_spread": o.weight_spread,
                "normalisations": list(o.normalisations),
                "sd_kinds": list(o.sd_kinds),
                "na_policies": list(o.na_policies),
                "sensitivity_replicates": o.sensitivity_replicates,
                "seed": o.seed,
                "tiers": self.tiers.kind,
                "tier_names": list(self.tiers.names_for(lang)),
            },
            "weight_redraws": self.weight_redraws,
            "warnings": [w.text(lang) for w in self.warnings],
            "units": self.unit_rows(lang),
            "sensitivity": [
                {
                    "factor": s.factor,
                    "label": s.label(lang, o.weight_spread),
                    "levels": list(s.levels),
                    "first_order": s.first_order,
                    "total": s.total,
                    "mean_rank_shift": s.mean_rank_shift,
                }
                for s in self.ranked_sensitivity()
            ],
        }

    def report_summary(self, lang: str = "zh") -> dict[str, Any]:
        """Scalars and row lists for the round report's robustness section (plain values;
        ``rank_low`` / ``rank_high`` are the 5% and 95% ranks)."""
        o = self.options
        varying = pgettext("enumeration", ", ", lang).join(
            factor_label(f, lang) for f in o.varying()
        )
        method = gettext(
            "Monte Carlo, {replicates} replicates (seed {seed}); varied: {varying}; "
            "weights ±{spread}",
            lang,
        ).format(
            replicates=o.replicates, seed=o.seed, varying=varying, spread=f"{o.weight_spread:.0%}"
        )
        units = [
            {
                "unit_code": row["code"],
                "unit_name": row["name"],
                "rank": row["nominal_rank"],
                "median_rank": row["median_rank"],
                "rank_low": row["p05_rank"],
                "rank_high": row["p95_rank"],
                **{f"P({name})": round(p, 4) for name, p in row["tiers"].items()},
            }
            for row in self.unit_rows(lang)
        ]
        sensitivity = [
            {
                "factor": s.label(lang, o.weight_spread),
                "first_order": _round(s.first_order),
                "total": _round(s.total),
                "mean_rank_shift": round(s.mean_rank_shift, 3),
            }
            for s in self.ranked_sensitivity()
        ]
        return {
            "method": method,
            "replicates": o.replicates,
            "units": units,
            "sensitivity": sensitivity,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
