"""Scoring runs (the engine on verified data), approval and publication of results."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.scoring import Assessment, KaopingError, assess
from kaoping.scoring.experts import ExpertScore as EngineScore
from kaoping.scoring.experts import Recusal as EngineRecusal
from kaoping.web.adjustments.actions import round_entries
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError
from kaoping.web.experts.models import Recusal as ExpertRecusal
from kaoping.web.experts.scoring import closed_original_groups, counted_scores
from kaoping.web.jobs.durable import durable, enqueue, recover_lost
from kaoping.web.letters.inputs import round_targets
from kaoping.web.permissions import is_member_of_round_unit
from kaoping.web.results.frozen import adjustments_payload, data_digest, data_payload, remember
from kaoping.web.results.inputs import missing_inputs, round_price_factors
from kaoping.web.results.models import (
    Publication,
    RunKind,
    RunSnapshot,
    RunStatus,
    ScoringRun,
    UnitResult,
)
from kaoping.web.rounds.models import Round
from kaoping.web.submissions.data import base_data_for
from kaoping.web.submissions.models import Submission, SubmissionStatus

PROGRESS_STEP = 1000  # units between progress updates


def do_start_scoring_run(
    round: Round, *, acting_user, kind: str = RunKind.ORIGINAL, note: str = ""
) -> ScoringRun:
    """Queue a scoring run (a new version) and compute it in the background."""
    missing = missing_inputs(round)
    if missing:
        raise ActionError("\n".join([_("Scoring cannot start yet:"), *missing]))
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if acting_user is not None and is_member_of_round_unit(acting_user, round):
            raise ActionError(
                _(
                    "You are a member of a unit evaluated in this round and cannot start its "
                    "scoring run."
                )
            )
        busy = ScoringRun.objects.filter(
            round=round, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
        )
        if busy.exists():
            recover_lost()  # a run left "running" by a dead worker is retried or failed first
            if busy.exists():
                raise ActionError(_("A scoring run is already in progress."))
        version = (ScoringRun.objects.filter(round=round).aggregate(v=Max("version"))["v"] or 0) + 1
        run = ScoringRun.objects.create(
            round=round,
            version=version,
            kind=kind,
            started_by=acting_user,
            note=note,
            scheme_sha256=round.scheme_sha256,
        )
        record(
            "results.start_run",
            acting_user,
            round=round,
            obj=run,
            data={"version": version, "kind": kind},
        )
        if not inline_jobs():
            enqueue(compute_run, run.pk)  # in this transaction: the run and its task, or neither
    if inline_jobs():
        enqueue(compute_run, run.pk)
    return run


def inline_jobs() -> bool:
    return getattr(settings, "KAOPING_JOBS_INLINE", False)


def fail_run(reason: str, run_id: int) -> None:
    """Mark a run that cannot finish failed, with the reason (a new run can then start)."""
    ScoringRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.FAILED, message=reason, finished_at=timezone.now()
    )


@durable(on_failure=fail_run)
def compute_run(run_id: int) -> None:
    """The scoring run as a durable task (``kaoping.web.jobs``): a crash loses nothing."""
    run = ScoringRun.objects.select_related("round").get(pk=run_id)
    if run.status in (RunStatus.DONE, RunStatus.FAILED):
        return  # a retry of a task whose worker died after the run had finished
    run.status = RunStatus.RUNNING
    run.save(update_fields=["status"])
    try:
        _compute(run)
    except (KaopingError, ActionError) as exc:
        message = exc.render("zh") if isinstance(exc, KaopingError) else str(exc)
        ScoringRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, message=message, finished_at=timezone.now()
        )


def assessment_of(round: Round, adjustments=None):
    """The round's :class:`~kaoping.scoring.Assessment` from database rows (units in code
    order): verified base data with adopted re-review values, the closed professional
    groups' counted expert scores and the recusals, the office's bonus / deduction entries
    (or ``adjustments``), the responsibility letters' targets, the evaluator's price factors,
    and the previous round when it has verified data. Returns the assessment and the units."""
    from kaoping.web.disputes.corrections import adopted_corrections, with_corrections

    scheme = round.scheme()
    submissions = list(
        Submission.objects.filter(round=round, status=SubmissionStatus.VERIFIED)
        .select_related("unit")
        .order_by("unit__code")
    )
    if not submissions:
        raise ActionError(_("There is no verified data to score."))
    data = with_corrections(
        round, base_data_for(scheme, round.year, [(s.unit, s.values) for s in submissions])
    )
    # A value a re-review (复验) adopted replaces the original panel's scores of that item.
    corrected = {(c.unit.code, c.field) for c in adopted_corrections(round)}
    fields = {i.code: i.formula.names[0] for i in scheme.qualitative_indicators}
    codes = set(data.codes)
    scores = tuple(
        EngineScore(
            expert=s.expert.username, unit_code=s.unit.code, item=s.indicator, score=s.score
        )
        for s in counted_scores(closed_original_groups(round))
        if s.unit.code in codes and (s.unit.code, fields.get(s.indicator)) not in corrected
    )
    recusals = tuple(
        EngineRecusal(expert=r.expert.username, unit_code=r.unit.code, reason=r.reason)
        for r in ExpertRecusal.objects.filter(round=round).select_related("expert", "unit")
        if r.unit.code in codes
    )
    previous = ()
    if (
        round.previous_id
        and Submission.objects.filter(
            round=round.previous, status=SubmissionStatus.VERIFIED
        ).exists()
    ):
        previous = (assessment_of(round.previous)[0],)
    assessment = Assessment(
        scheme=scheme,
        data=data,
        expert_scores=scores,
        recusals=recusals,
        adjustments=tuple(round_entries(round) if adjustments is None else adjustments),
        targets=tuple(round_targets(round)),
        price_factors=round_price_factors(round),
        previous=previous,
        period=str(round.year),
    )
    return assessment, [s.unit for s in submissions]


def evaluation_of(round: Round, adjustments=None):
    """The one result of the round's assessment (:func:`kaoping.scoring.assess`): its
    evaluation (committee ranks), the previous round's evaluation or None, and the units."""
    assessment, units = assessment_of(round, adjustments)
    assessed = assess(assessment)
    previous = assessed.previous[-1].evaluation if assessed.previous else None
    return assessed.evaluation, previous, units


def _compute(run: ScoringRun) -> None:
    round = run.round
    result, previous, units = evaluation_of(round)
    by_code = {u.code: u for u in units}
    scheme = result.scheme
    rows = []
    # Whole arrays to lists once (numpy scalars one by one are slow at 3,000 units); the
    # explanation is not built here but on demand from the frozen inputs (results.frozen).
    values, z, scores = _rows(result.values), _rows(result.z), _rows(result.scores)
    reasons = result.reasons.tolist()
    totals, base_totals = _rows(result.totals), _rows(result.base_totals)
    bonus = _rows(result.bonus)
    groups = {g: _rows(s) for g, s in result.group_scores.items()}
    ranks = result.ranks.tolist()
    comparison = result.previous
    previous_totals = _rows(comparison.totals) if comparison else None
    previous_ranks = comparison.ranks.tolist() if comparison else None
    for position, u in enumerate(result.order()):
        code = result.data.units[u].code
        rows.append(
            UnitResult(
                run=run,
                unit=by_code[code],
                position=position,
                rank=int(ranks[u]) or None,
                total=totals[u],
                grade=result.grades[u] or "",
                groups={g: s[u] for g, s in groups.items()},
                previous_total=previous_totals[u] if comparison else None,
                previous_rank=(int(previous_ranks[u]) or None) if comparison else None,
                numbers={
                    "values": values[u],
                    "z": z[u],
                    "scores": scores[u],
                    "reasons": reasons[u],
                    "base_total": base_totals[u],
                    "bonus": bonus[u],
                },
            )
        )
        if position and position % PROGRESS_STEP == 0:
            ScoringRun.objects.filter(pk=run.pk).update(progress=int(90 * position / len(units)))
    with transaction.atomic():
        UnitResult.objects.bulk_create(rows, batch_size=500)
        RunSnapshot.objects.create(
            run=run,
            data=data_payload(result.data),
            data_digest=data_digest(result.data),
            previous_round=round.previous if previous is not None else None,
            previous_scheme_sha256=round.previous.scheme_sha256 if previous is not None else "",
            previous_data=data_payload(previous.data) if previous is not None else None,
            adjustments=adjustments_payload(result.adjustments),
        )
        run.summary = {
            "groups": [
                {"code": g.code, "name": g.name_for("zh"), "name_en": g.name_for("en")}
                for g in scheme.top_groups
            ],
            "indicators": [
                {
                    "code": i.code,
                    "name": i.name_for("zh"),
                    "name_en": i.name_for("en"),
                    "group": i.group,
                }
                for i in scheme.indicators
            ],
            "warnings": {
                "zh": [w.render("zh") for w in result.warnings],
                "en": [w.render("en") for w in result.warnings],
            },
            "units": len(units),
            "previous_year": round.previous.year if previous is not None else None,
            "group_averages": {g: _mean(s) for g, s in groups.items()},
        }
        run.input_sha256 = result.data.sha256 or ""
        run.status = RunStatus.DONE
        run.progress = 100
        run.finished_at = timezone.now()
        run.save()
        record(
            "results.run_done",
            run.started_by,
            round=round,
            obj=run,
            data={"version": run.version, "input_sha256": run.input_sha256, "units": len(units)},
        )
    remember(run, result, previous)  # this process's first page views need no re-evaluation


def _num(x) -> float | None:
    value = float(x)
    return None if value != value else value


def _rows(array) -> list:
    """A numpy array as nested lists of floats, NaN as None (JSON has no NaN)."""
    if array.ndim > 1:
        return [_plain_row(row) for row in array.tolist()]
    return _plain_row(array.tolist())


def _plain_row(row: list) -> list:
    return [None if v != v else v for v in row]


def _mean(values: list) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def approve_latest_run(round: Round, acting_user) -> ScoringRun:
    run = ScoringRun.latest_done(round)
    if run is None:
        raise ActionError(_("There are no results to approve."))
    run.approved_by = acting_user
    run.approved_at = timezone.now()
    run.save(update_fields=["approved_by", "approved_at"])
    return run


def publish_run(run: ScoringRun, *, acting_user, note: str = "") -> Publication:
    """Add a publication version pointing at a finished run (never replacing earlier ones)."""
    if run.status != RunStatus.DONE:
        raise ActionError(_("Only finished results can be published."))
    with transaction.atomic():
        version = (
            Publication.objects.filter(round=run.round).aggregate(v=Max("version"))["v"] or 0
        ) + 1
        publication = Publication.objects.create(
            round=run.round,
            run=run,
            version=version,
            published_by=acting_user,
            published_at=timezone.now(),
            note=note,
        )
        entry = record(
            "results.publish",
            acting_user,
            round=run.round,
            obj=publication,
            data={"version": version, "run": run.version, "note": note},
        )
        publication.log_count, publication.log_head = entry.seq, entry.hash
        publication.save(update_fields=["log_count", "log_head"])
    return publication
