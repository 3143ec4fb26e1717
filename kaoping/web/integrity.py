"""What the evaluation log vouches for, registered with it from above (the log imports no app).

- the guarded fields of each kind of row an action writes (``audit.rows.guard``): a round's
  state and scheme, a submission's status and values, an expert's scores, a dispute's
  decision and corrections, a finished run's results unit by unit, a publication's run,
  an archive's manifest and file;
- the heads that publications, report jobs and archives recorded (anchors of the chain);
- re-deriving every published run from its frozen inputs with the engine.

Imported once at start-up by ``kaoping.web.apps.WebConfig.ready``.
"""

from __future__ import annotations

from typing import Any

from kaoping.archive.chain import Anchor
from kaoping.web.audit import anchors, rows
from kaoping.web.disputes.models import Dispute
from kaoping.web.experts.models import ExpertScore
from kaoping.web.results.integrity import run_differences
from kaoping.web.results.models import Publication, ReportJob, RunStatus
from kaoping.web.rounds.models import RoundArchive


def _round(r) -> dict[str, Any]:
    return {"state": r.state, "scheme_sha256": r.scheme_sha256, "scheme_text": r.scheme_text}


def _submission(s) -> dict[str, Any]:
    return {"status": s.status, "values": s.values}


def _sheet(sheet) -> dict[str, Any]:
    fields: dict[str, Any] = {"status": sheet.status}
    scores = ExpertScore.objects.filter(group_id=sheet.group_id, expert_id=sheet.expert_id)
    for code, indicator, score in scores.values_list("unit__code", "indicator", "score"):
        fields[f"score {code}/{indicator}"] = score
    return fields


def _dispute(d: Dispute) -> dict[str, Any]:
    fields: dict[str, Any] = {"status": d.status, "decision": d.decision}
    for field, original, corrected in d.corrections.values_list(
        "field", "original_value", "corrected_value"
    ):
        fields[f"correction {field}"] = [original, corrected]
    return fields


def _run(run) -> dict[str, Any] | None:
    if run.status != RunStatus.DONE:
        return None  # a queued or running run changes as it goes; it is vouched once done
    fields: dict[str, Any] = {
        "status": run.status,
        "input_sha256": run.input_sha256,
        "scheme_sha256": run.scheme_sha256,
    }
    for row in run.unit_results.values_list(
        "unit__code",
        "rank",
        "total",
        "grade",
        "groups",
        "previous_total",
        "previous_rank",
        "numbers",
    ):
        fields[f"unit {row[0]}"] = list(row[1:])
    return fields


def _publication(p) -> dict[str, Any]:
    return {"round": p.round_id, "run": p.run_id, "version": p.version}


def _archive(a) -> dict[str, Any]:
    return {
        "manifest_sha256": a.manifest_sha256,
        "file": a.file.name,
        "size": a.size,
        "file_sha256": a.file_sha256,
    }


def recorded_heads() -> list[Anchor]:
    """The heads publications, report jobs and archives recorded when they were made."""
    found = []
    for p in Publication.objects.exclude(log_head="").select_related("round"):
        found.append(
            Anchor(
                p.log_count,
                None,
                p.log_head,
                f"{p.round} 的成果公布第 {p.version} 版",
                f"publication v{p.version} of {p.round}",
            )
        )
    for j in ReportJob.objects.exclude(log_head=""):
        found.append(
            Anchor(j.log_count, None, j.log_head, f"报告任务 #{j.pk}", f"report job #{j.pk}")
        )
    for a in RoundArchive.objects.exclude(log_head=""):
        found.append(
            Anchor(a.log_count, None, a.log_head, f"档案《{a.title}》", f"the archive “{a.title}”")
        )
    return found


def rederive_published() -> tuple[list[str], list[str]]:
    """Evaluate every published run again from its frozen inputs; name what differs."""
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


def register() -> None:
    rows.guard("rounds.round", _round)
    rows.guard("submissions.submission", _submission)
    rows.guard("experts.scoresheet", _sheet)
    rows.guard("disputes.dispute", _dispute)
    rows.guard("results.scoringrun", _run)
    rows.guard("results.publication", _publication)
    rows.guard("rounds.roundarchive", _archive)
    rows.stands_for("rounds.roundtransition", lambda step: step.round)
    for label in ("rectification", "verificationrecord", "attachment"):
        rows.stands_for(f"submissions.{label}", lambda row: row.submission)
    if recorded_heads not in anchors.ANCHOR_SOURCES:
        anchors.ANCHOR_SOURCES.append(recorded_heads)
    if rederive_published not in anchors.EXTRA_CHECKS:
        anchors.EXTRA_CHECKS.append(rederive_published)
