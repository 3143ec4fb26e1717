"""The whole check of the evaluation log: chain, checkpoints, recorded heads, rows, results.

:func:`verify_log` is what ``kaoping log verify`` (through ``manage.py verify_log``) and the
log page run. It checks, in order:

1. the hash chain (:func:`kaoping.archive.chain.check_entries`);
2. every signed checkpoint outside the database and every head recorded by a publication,
   a report job or an archive (``ANCHOR_SOURCES``; :func:`kaoping.archive.chain.check_anchors`):
   a cut tail, a deleted log or a log rewritten from some point on is named;
3. every row the log vouches for (:mod:`kaoping.web.audit.rows`);
4. further checks the apps above register (``EXTRA_CHECKS``): every published result,
   evaluated again from its frozen inputs (``kaoping.web.integrity``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from kaoping.archive import checkpoints
from kaoping.archive.chain import Anchor, ChainProblem, ChainReport, check_anchors
from kaoping.web.audit.keys import trusted_keys
from kaoping.web.audit.log import check_chain
from kaoping.web.audit.rows import RowProblem, check_rows, latest_vouchers

# Registered by the apps above (kaoping.web.integrity), so the log imports none of them.
ANCHOR_SOURCES: list[Callable[[], list[Anchor]]] = []
EXTRA_CHECKS: list[Callable[[], tuple[list[str], list[str]]]] = []


@dataclass
class LogVerification:
    chain: ChainReport
    anchor_problem: ChainProblem | None = None
    forged_checkpoints: list[str] = field(default_factory=list)
    checkpoints: int = 0
    rows: list[RowProblem] = field(default_factory=list)
    results: list[str] = field(default_factory=list)  # re-derivation differences
    results_en: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.chain.ok
            and self.anchor_problem is None
            and not self.forged_checkpoints
            and not self.rows
            and not self.results
        )

    def problems(self, lang: str = "zh") -> list[str]:
        out = []
        if self.chain.problem is not None:
            out.append(self.chain.problem.render(lang))
        if self.anchor_problem is not None:
            out.append(self.anchor_problem.render(lang))
        for where in self.forged_checkpoints:
            out.append(
                f"checkpoint {where}: bad signature"
                if lang == "en"
                else f"检查点 {where} 的签名无效"
            )
        out += [p.render(lang) for p in self.rows]
        out += self.results_en if lang == "en" else self.results
        return out


def verify_log(*, rederive: bool = True) -> LogVerification:
    """Check the log and everything it vouches for (see the module's docstring)."""
    read = checkpoints.read_checkpoints(settings.KAOPING_CHECKPOINT_DIR, trusted_keys())
    anchors = list(read.anchors)
    for source in ANCHOR_SOURCES:
        anchors += source()
    wanted = {a.count for a in anchors}
    heads: dict[int, str] = {}
    vouchers: list[tuple[int, dict]] = []

    def on_entry(count: int, entry_id: int, head: str) -> None:
        if count in wanted:
            heads[count] = head

    chain = check_chain(on_entry=on_entry, on_data=lambda i, d: vouchers.append((i, d)))
    report = LogVerification(chain, forged_checkpoints=read.forged, checkpoints=len(read.anchors))
    if chain.ok:
        report.anchor_problem = check_anchors(heads, chain.count, chain.last_id, anchors)
    report.rows = check_rows(latest_vouchers(vouchers))
    if rederive:
        for check in EXTRA_CHECKS:
            zh, en = check()
            report.results += zh
            report.results_en += en
    return report
