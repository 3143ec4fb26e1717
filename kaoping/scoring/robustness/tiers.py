"""Award tiers of many replicates at once: grade bands, the scheme's award rules, rank quotas."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaoping.scoring.awards import AwardRules, award_rules, static_eligibility
from kaoping.scoring.data import BaseData
from kaoping.scoring.robustness.options import RobustnessOptions, default_tier_name
from kaoping.scoring.robustness.ranks import rank_matrix
from kaoping.scoring.schemes import Scheme


@dataclass(frozen=True)
class TierRule:
    """Award tiers: the scheme's grade bands on totals, or rank quotas. Index ``len(names)``
    means no tier (below every band, beyond every quota, or not ranked)."""

    names: tuple[str, ...]
    names_en: tuple[str, ...]
    minimums: tuple[float, ...] | None = None  # grade bands, highest first
    cumulative_percent: tuple[float, ...] | None = None
    awards: AwardRules | None = None  # the scheme's award rules
    eligible: np.ndarray | None = None  # per unit: no veto, requirements met
    note: str = ""  # why no tiers are offered ("scale": the scale itself is varied)

    @classmethod
    def for_options(
        cls, scheme: Scheme, options: RobustnessOptions, data: BaseData | None = None
    ) -> TierRule:
        """Rank quotas when given; else the scheme's award rules (``[awards]``) or grade
        bands, but only when the scale of totals is not itself varied: a score threshold
        means nothing under another normalisation."""
        if options.tiers is None:
            if len(options.normalisations) > 1:
                return cls((), (), note="scale")
            if data is not None and "awards" in scheme.sections:
                rules = award_rules(scheme)
                return cls(
                    tuple(t.name for t in rules.tiers),
                    tuple(t.name_for("en") for t in rules.tiers),
                    awards=rules,
                    eligible=static_eligibility(rules, scheme, data),
                )
            return cls.grades(scheme)
        cumulative = tuple(float(c) for c in np.cumsum([t.percent for t in options.tiers]))
        names = tuple(t.name for t in options.tiers)
        names_en = tuple(
            default_tier_name(i + 1, "en") if t.name == default_tier_name(i + 1) else t.name
            for i, t in enumerate(options.tiers)
        )
        return cls(names, names_en, cumulative_percent=cumulative)

    @classmethod
    def grades(cls, scheme: Scheme) -> TierRule:
        """The scheme's grade bands on totals."""
        bands = scheme.grades
        return cls(
            tuple(b.name for b in bands),
            tuple(b.name_for("en") for b in bands),
            minimums=tuple(b.min for b in bands),
        )

    @property
    def kind(self) -> str:
        if self.awards is not None:
            return "awards"
        if self.cumulative_percent is not None:
            return "rank_quotas"
        return "grades" if self.names else "none"

    def names_for(self, lang: str) -> tuple[str, ...]:
        return self.names_en if lang == "en" else self.names

    def of_totals(self, totals: np.ndarray) -> np.ndarray:
        """Grade-band index of each total, as :meth:`Scheme.grade_for` decides it: the
        number of bands whose minimum (less 1e-9) the total does not reach."""
        count = len(self.names)
        tier = np.zeros(totals.shape, dtype=np.int8 if count < 127 else np.int64)
        for minimum in self.minimums or ():
            tier += totals < minimum - 1e-9
        if np.isnan(np.min(totals)):
            tier[np.isnan(totals)] = count
        return tier

    def of_awards(self, totals: np.ndarray, units: np.ndarray, decimals: int = 6) -> np.ndarray:
        """Award tier of each total (rows x units; ``units`` labels the columns), as
        :func:`kaoping.scoring.awards.decide_awards` decides it: eligible = total at or above
        the pass line, no veto, requirements met; quotas counted in eligible units, rounded
        down; ranks among the eligible (equal totals share a rank and the tier)."""
        rules, count = self.awards, len(self.names)
        assert rules is not None and self.eligible is not None
        with np.errstate(invalid="ignore"):
            eligible = (totals >= rules.pass_line - 1e-9) & self.eligible[units][None, :]
        ranks = rank_matrix(np.where(eligible, totals, np.nan), decimals)
        n_eligible = eligible.sum(axis=1, keepdims=True)
        tier = np.full(totals.shape, count, dtype=np.int64)
        cumulative = 0.0
        open_ = np.ones(totals.shape, dtype=bool)
        for t, rule in enumerate(rules.tiers):
            ok = eligible & open_
            if rules.method != "quota" and rule.min is not None:
                with np.errstate(invalid="ignore"):
                    ok &= totals >= rule.min - 1e-9
            if rule.share is not None and rules.method != "bands":
                cumulative += rule.share
                ok &= ranks <= np.floor(cumulative / 100.0 * n_eligible + 1e-9)
            tier[ok] = t
            open_ &= ~ok
        return tier

    def of_ranks(self, ranks: np.ndarray) -> np.ndarray:
        """Quota tier of each rank: tier i takes ranks up to floor(cumulative_i% x ranked)."""
        count = len(self.names)
        ranked = (ranks > 0).sum(axis=1, keepdims=True)
        tier = np.zeros(ranks.shape, dtype=np.int64)
        for percent in self.cumulative_percent or ():
            places = np.floor(percent * ranked / 100.0 + 1e-9)
            tier += ranks > places
        return np.where(ranks > 0, tier, count)
