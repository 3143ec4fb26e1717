"""The whole check of the evaluation log: chain, checkpoints, publications, rows, results.

:func:`verify_log` is what ``kaoping log verify`` (through ``manage.py verify_log``), the
log page and restores run. It checks, in order:

1. the hash chain (:func:`kaoping.archive.chain.check_entries`);
2. every signed checkpoint outside the database and every head recorded by a publication,
   a report job or an archive (:func:`kaoping.archive.chain.check_anchors`): a cut tail,
   a deleted log or a log rewritten from some point on is named;
3. every row the log vouches for (:mod:`kaoping.web.audit.rows`);
4. every published result, evaluated again from its frozen inputs with the engine.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from kaoping.archive import checkpoints, signing
from kaoping.archive.chain import Anchor, ChainProblem, ChainReport, check_anchors
from kaoping.web.audit.log import check_chain
from kaoping.web.audit.rows import RowProblem, check_rows, latest_vouchers

logger = logging.getLogger("kaoping.checkpoint")

_key_lock = threading.Lock()


def keys_dir() -> Path:
    return Path(settings.KAOPING_KEYS_DIR)


def signing_key():
    """The installation's Ed25519 key (made on first use), read once per process."""
    folder = keys_dir()
    with _key_lock:
        cached = getattr(signing_key, "_cached", None)
        if cached is None or cached[0] != folder:
            cached = (folder, signing.load_or_create(folder))
            signing_key._cached = cached  # type: ignore[attr-defined]
    return cached[1]


def trusted_keys() -> dict:
    """Public keys a signature may be made with: the keys directory's and any configured."""
    sources = [keys_dir(), *getattr(settings, "KAOPING_TRUSTED_KEYS", [])]
    return signing.public_keys([s for s in sources if Path(s).exists()])


def write_checkpoint_for(entry) -> None:
    """Sign and store a checkpoint at ``entry`` (after its commit); log, never raise."""
    try:
        line = checkpoints.write_checkpoint(
            settings.KAOPING_CHECKPOINT_DIR, signing_key(),
            count=entry.seq, last_id=entry.pk, head=entry.hash,
        )  # fmt: skip
        logger.info("checkpoint count=%s last_id=%s head=%s key=%s sig=%s", line["count"],
                    line["last_id"], line["head"], line["key_id"], line["signature"])  # fmt: skip
    except Exception:  # the action has committed; a missing checkpoint must not undo it
        logging.getLogger("kaoping.audit").exception("could not write a log checkpoint")


def recorded_heads() -> list[Anchor]:
    """The heads publications, report jobs and archives recorded when they were made."""
    from kaoping.web.results.models import Publication, ReportJob
    from kaoping.web.rounds.models import RoundArchive

    anchors = []
    for p in Publication.objects.exclude(log_head="").select_related("round"):
        anchors.append(Anchor(p.log_count, None, p.log_head,
                              f"{p.round} 的成果公布第 {p.version} 版",
                              f"publication v{p.version} of {p.round}"))  # fmt: skip
    for j in ReportJob.objects.exclude(log_head=""):
        anchors.append(Anchor(j.log_count, None, j.log_head, f"报告任务 #{j.pk}",
                              f"report job #{j.pk}"))  # fmt: skip
    for a in RoundArchive.objects.exclude(log_head=""):
        anchors.append(Anchor(a.log_count, None, a.log_head, f"档案《{a.title}》",
                              f"the archive “{a.title}”"))  # fmt: skip
    return anchors


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
        return (self.chain.ok and self.anchor_problem is None and not self.forged_checkpoints
                and not self.rows and not self.results)  # fmt: skip

    def problems(self, lang: str = "zh") -> list[str]:
        out = []
        if self.chain.problem is not None:
            out.append(self.chain.problem.render(lang))
        if self.anchor_problem is not None:
            out.append(self.anchor_problem.render(lang))
        for where in self.forged_checkpoints:
            out.append(f"checkpoint {where}: bad signature" if lang == "en"
                       else f"检查点 {where} 的签名无效")  # fmt: skip
        out += [p.render(lang) for p in self.rows]
        out += self.results_en if lang == "en" else self.results
        return out


def verify_log(*, rederive: bool = True) -> LogVerification:
    """Check the log and everything it vouches for (see the module's docstring)."""
    read = checkpoints.read_checkpoints(settings.KAOPING_CHECKPOINT_DIR, trusted_keys())
    anchors = read.anchors + recorded_heads()
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
        report.results, report.results_en = rederive_published()
    return report


def rederive_published() -> tuple[list[str], list[str]]:
    """Evaluate every published run again from its frozen inputs; name what differs."""
    from kaoping.web.results.integrity import run_differences
    from kaoping.web.results.models import Publication

    zh, en = [], []
    seen = set()
    for publication in Publication.objects.select_related("run__round").order_by("id"):
        run = publication.run
        if run.pk in seen:
            continue
        seen.add(run.pk)
        for difference in run_differences(run):
            zh.append(f"{run.round} 成果 v{run.version}：{difference.render('zh')}")
            en.append(f"{run.round} results v{run.version}: {difference.render('en')}")
    return zh, en
