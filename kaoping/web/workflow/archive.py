"""The evaluation archive of a round (评价档案), built by a durable task once it is closed.

:func:`build_round_archive` gathers what ``kaoping.archive.build_bundle`` needs from the
database: the scheme text frozen at publication, the verified base data exactly as the
published results were computed from, the bonus / deduction entries, supporting documents
and check records, expert scores, any generated reports, the round's log entries and the
log's chain head. It re-scores the archived inputs and refuses to archive results that
differ from the published ones. :func:`import_archive` stores a bundle from another
installation after :func:`kaoping.archive.verify_bundle` passed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.archive import build_bundle, verify_bundle
from kaoping.archive.bundle import FileSource
from kaoping.scoring import Assessment, BaseData, assess
from kaoping.scoring.adjustments import AdjustmentEntry
from kaoping.scoring.assessment import PRICE_FACTOR
from kaoping.scoring.evaluation import Adjustment
from kaoping.web.audit.keys import signing_key, trusted_keys
from kaoping.web.audit.log import chain_position, entry_as_dict, record
from kaoping.web.audit.models import AuditEntry
from kaoping.web.common import ActionError
from kaoping.web.experts.models import ExpertScore
from kaoping.web.jobs.durable import durable, enqueue
from kaoping.web.results import models as results_models
from kaoping.web.results.frozen import data_from_payload
from kaoping.web.results.models import Publication
from kaoping.web.rounds.models import (
    ArchiveBuild,
    ArchiveBuildStatus,
    ArchiveSource,
    Round,
    RoundArchive,
    RoundState,
)
from kaoping.web.submissions.data import base_data_for
from kaoping.web.submissions.models import (
    Attachment,
    Submission,
    SubmissionStatus,
    VerificationRecord,
)
from kaoping.web.submissions.uploads import check_zip_upload

TOLERANCE = 1e-9  # published totals come from the same deterministic engine


def _archivable(round: Round):
    """The published run and the assessment of its archived inputs, checked to give the
    published totals (ActionError otherwise)."""
    publication = Publication.current(round)
    if publication is None:
        raise ActionError(_("The round has no published results to archive."))
    run = publication.run
    scheme = round.scheme()
    data, adjustments = _inputs_of(round, run, scheme)
    # The frozen data holds the aggregated expert scores; the archive re-assesses it whole.
    # The evaluator's price factors go back to their own table (not the units' data).
    data, factors = _evaluator_factors(scheme, data)
    assessment = Assessment(
        scheme,
        data,
        adjustments=tuple(
            AdjustmentEntry(a.unit_code, a.points, a.reason, a.reference) for a in adjustments
        ),
        price_factors=factors,
        period=str(round.year),
    )
    result = assess(assessment).evaluation
    _check_same_as_published(result, run)
    return publication, run, scheme, data, assessment


def check_archivable(round: Round) -> None:
    """Refuse closing (in its request) when the archive could not be built from the inputs."""
    _archivable(round)


def build_round_archive(round: Round, *, acting_user) -> RoundArchive:
    """Build and store the archive of ``round`` (published results); returns the record.

    Runs in the archive build task (:func:`build_archive`), after the round was closed.
    """

    publication, run, scheme, data, assessment = _archivable(round)
    entries = [entry_as_dict(e) for e in AuditEntry.objects.filter(round=round).order_by("id")]
    meta = {
        "round": {
            "id": round.pk,
            "name": round.name,
            "year": round.year,
            "scheme_code": round.scheme_code,
            "scheme_sha256": round.scheme_sha256,
        },
        "publication": {
            "version": publication.version,
            "run": run.version,
            "published_at": publication.published_at.isoformat(),
        },
        "closed_by": acting_user.get_username(),
    }
    count, head = chain_position()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive.zip"
        digest = build_bundle(
            path,
            scheme=scheme,
            scheme_text=round.scheme_text,
            data=data,
            assessment=assessment,
            files=_documents_of(round, run),
            log_entries=entries,
            chain_head=head,
            chain_count=count,
            meta=meta,
            signing_key=signing_key(),
        )
        return _store(
            path,
            round=round,
            source=ArchiveSource.CLOSED,
            digest=digest,
            title=_("{name} ({year})").format(name=round.name, year=round.year),
            acting_user=acting_user,
            verification="",
        )


def queue_archive_build(round: Round, *, acting_user) -> ArchiveBuild:
    """Record a build of ``round``'s archive and queue its task, in the caller's transaction.

    With ``KAOPING_JOBS_INLINE`` the caller runs it after its transaction
    (:func:`run_inline`), as scoring runs do.
    """
    build = ArchiveBuild.objects.create(
        round=round, requested_by=acting_user, requested_at=timezone.now()
    )
    if not inline_jobs():
        enqueue(build_archive, build.pk)  # the build and its task, or neither
    return build


def run_inline(build: ArchiveBuild) -> None:
    """Run a build at once (``KAOPING_JOBS_INLINE``); a failure is kept on the build."""
    if inline_jobs():
        # A failure was already kept on the build with its reason, and logged.
        with contextlib.suppress(Exception):
            enqueue(build_archive, build.pk)


def fail_archive_build(reason: str, build_id: int) -> None:
    """Mark a build that cannot finish failed, with the reason (it can be started again)."""
    ArchiveBuild.objects.filter(pk=build_id, status=ArchiveBuildStatus.QUEUED).update(
        status=ArchiveBuildStatus.FAILED, message=reason, finished_at=timezone.now()
    )


@durable(on_failure=fail_archive_build)
def build_archive(build_id: int) -> None:
    """Build a closed round's archive (durable task): store it and log its manifest hash."""
    try:
        with transaction.atomic():
            # Only the build row is locked (a second worker retrying it waits, then sees done).
            build = ArchiveBuild.objects.select_for_update().get(pk=build_id)
            if build.status != ArchiveBuildStatus.QUEUED:
                return  # a retry of a task whose worker died after the build had finished
            round = build.round
            if round.state != RoundState.CLOSED:
                raise ActionError(_("The round is no longer closed."))
            archive = build_round_archive(round, acting_user=build.requested_by)
            build.status, build.archive = ArchiveBuildStatus.DONE, archive
            build.finished_at = timezone.now()
            build.save()
            # The archive's manifest hash goes into the (hash-chained) log, vouching for it.
            record(
                "round.archive",
                build.requested_by,
                round=round,
                obj=archive,
                data={
                    "archive_manifest_sha256": archive.manifest_sha256,
                    "archive_id": archive.pk,
                    "build": build.pk,
                },
            )
    except ActionError as exc:
        fail_archive_build(str(exc), build_id)


def do_retry_archive(round: Round, *, acting_user) -> ArchiveBuild:
    """Start the archive of a closed round again after its build failed (logged)."""
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        latest = ArchiveBuild.objects.filter(round=round).first()
        if round.state != RoundState.CLOSED or latest is None:
            raise ActionError(_("Only a closed round's archive can be built again."))
        if latest.status != ArchiveBuildStatus.FAILED:
            raise ActionError(_("The archive is already built or being built."))
        build = queue_archive_build(round, acting_user=acting_user)
        record(
            "round.archive_retry",
            acting_user,
            round=round,
            data={"build": build.pk, "failed_build": latest.pk, "failure": latest.message},
        )
    run_inline(build)
    return build


def _evaluator_factors(scheme, data: BaseData) -> tuple[BaseData, dict[str, float] | None]:
    """``data`` without the price factor column, and the factors it held (None: none)."""
    evaluator = {f.key for f in scheme.fields if f.source == "evaluator"}
    if PRICE_FACTOR not in evaluator or PRICE_FACTOR not in data.columns:
        return data, None
    column = data.columns[PRICE_FACTOR]
    factors = {c: float(v) for c, v in zip(data.codes, column, strict=True) if v == v}
    kept = {k: v for k, v in data.columns.items() if k not in evaluator}
    stripped = BaseData(
        units=list(data.units),
        columns=kept,
        source=data.source,
        rows=data.rows,
        extras=dict(data.extras),
    )
    stripped.sha256 = stripped.fingerprint()
    return stripped, factors


def _inputs_of(round: Round, run, scheme) -> tuple[BaseData, list[Adjustment]]:
    """The run's frozen inputs when kept, else the round's verified data (no adjustments)."""

    snapshot_model = getattr(results_models, "RunSnapshot", None)
    snapshot = snapshot_model.objects.filter(run=run).first() if snapshot_model else None
    if snapshot is not None:
        data = data_from_payload(snapshot.data, str(round.year))
        return data, [Adjustment(**a) for a in snapshot.adjustments]

    verified = (
        Submission.objects.filter(round=round, status=SubmissionStatus.VERIFIED)
        .select_related("unit")
        .order_by("unit__code")
    )
    return base_data_for(scheme, round.year, [(s.unit, s.values) for s in verified]), []


def _check_same_as_published(result, run) -> None:
    published = {code: total for code, total in run.unit_results.values_list("unit__code", "total")}
    for position, code in enumerate(result.codes):
        fresh = float(result.totals[position])
        stored = published.get(code)
        same = (stored is None and fresh != fresh) or (
            stored is not None and abs(stored - fresh) <= TOLERANCE
        )
        if not same:
            raise ActionError(
                _("Re-scoring the archived data does not give the published total of %(code)s.")
                % {"code": code}
            )


def _documents_of(round: Round, run) -> dict[str, FileSource]:
    """Supporting documents, checks, expert scores and generated reports, by archive path.

    Uploaded files are given by their openers: the bundle streams them into the zip.
    """

    files: dict[str, FileSource] = {}
    for a in Attachment.objects.filter(submission__round=round).select_related("submission__unit"):
        name = f"attachments/{a.submission.unit.code}/{a.pk}-{Path(a.name).name}"
        files[name] = _opener(a.file)
    checks = []
    for c in VerificationRecord.objects.filter(submission__round=round).select_related(
        "submission__unit", "checker"
    ):
        item = {
            "unit": c.submission.unit.code,
            "kind": c.kind,
            "checker": c.checker.username,
            "date": c.date.isoformat(),
            "method": c.method,
            "finding": c.finding,
            "attachment": "",
        }
        if c.attachment:
            item["attachment"] = (
                f"checks/{c.submission.unit.code}/{c.pk}-{Path(c.attachment.name).name}"
            )
            files[item["attachment"]] = _opener(c.attachment)
        checks.append(item)
    files["checks/checks.json"] = _json(checks)
    files["experts/scores.json"] = _json(_expert_scores(round))
    files.update(_reports(run))
    files.update(_publications(round))
    return files


def _publications(round: Round) -> dict[str, bytes]:
    """Every publication of the round, not only the last (a re-review republishes): each
    version's results as published, who published it and why, and its run's reports."""
    files: dict[str, bytes] = {}
    listing = []
    for p in (
        Publication.objects.filter(round=round)
        .select_related("run", "published_by")
        .order_by("version")
    ):
        folder = f"publications/v{p.version}"
        rows = p.run.unit_results.select_related("unit").order_by("rank", "unit__code")
        files[f"{folder}/results.json"] = _json(
            {
                "version": p.version,
                "run": p.run.version,
                "published_at": p.published_at.isoformat(),
                "published_by": p.published_by.get_username(),
                "note": p.note,
                "results": [
                    {
                        "unit": r.unit.code,
                        "name": r.unit.name,
                        "total": r.total,
                        "rank": r.rank,
                        "grade": r.grade,
                        "groups": r.groups,
                    }
                    for r in rows
                ],
            }
        )
        files.update({f"{folder}/{name}": content for name, content in _reports(p.run).items()})
        listing.append(
            {
                "version": p.version,
                "run": p.run.version,
                "published_at": p.published_at.isoformat(),
                "folder": folder,
            }
        )
    files["publications/index.json"] = _json(listing)
    return files


def _expert_scores(round: Round) -> list[dict]:

    rows = ExpertScore.objects.filter(group__round=round).select_related("group", "expert", "unit")
    return [
        {
            "group": s.group.name,
            "expert": s.expert.username,
            "unit": s.unit.code,
            "indicator": s.indicator,
            "score": s.score,
            "comment": s.comment,
        }
        for s in rows.order_by("group_id", "unit__code", "expert__username", "indicator")
    ]


def _reports(run) -> dict[str, bytes]:
    """Reports generated for the published run (the latest finished report job's zip)."""

    job_model = getattr(results_models, "ReportJob", None)
    if job_model is None:
        return {}
    job = job_model.objects.filter(run=run, status="done").exclude(archive="").first()
    if job is None:
        return {}
    files = {}
    with job.archive.open("rb") as handle, zipfile.ZipFile(handle) as zf:
        for info in zf.infolist():
            if not info.is_dir():
                files[f"reports/{info.filename}"] = zf.read(info)
    return files


def inline_jobs() -> bool:
    return getattr(settings, "KAOPING_JOBS_INLINE", False)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _opener(field):
    """A function opening the stored file anew for each read (a FieldFile shares one handle)."""
    storage, name = field.storage, field.name
    return lambda: storage.open(name, "rb")


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _store(path: Path, *, round, source, digest, title, acting_user, verification) -> RoundArchive:
    count, head = chain_position()
    archive = RoundArchive(
        round=round,
        source=source,
        title=title[:200],
        manifest_sha256=digest,
        size=path.stat().st_size,
        verification=verification,
        created_by=acting_user,
        file_sha256=file_sha256(path),
        log_count=count,
        log_head=head,
    )
    with path.open("rb") as handle:
        archive.file.save(f"{digest}.zip", File(handle), save=False)
    archive.save()
    return archive


class ArchiveRejected(ActionError):
    """A bundle that did not verify; ``report`` says which check failed."""

    def __init__(self, message: str, report=None):
        self.report = report
        super().__init__(message)


def import_archive(content: bytes, filename: str, *, acting_user, lang: str = "zh") -> RoundArchive:
    """Verify a bundle from another installation and store it read-only (logged)."""

    check_zip_upload(content, filename)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "import.zip"
        path.write_bytes(content)
        # Only a manifest signed by a trusted key (this installation's, or one listed in
        # KAOPING_TRUSTED_KEYS) is accepted: a consistent rewrite is refused.
        signing_key()  # this installation's key exists, so the trusted set is never empty
        report = verify_bundle(path, trusted_keys())
        if not report.ok:
            raise ArchiveRejected(
                _("The archive did not verify; nothing was stored.") + "\n" + report.render(lang),
                report,
            )
        existing = RoundArchive.objects.filter(manifest_sha256=report.manifest_sha256).first()
        if existing is not None:
            return existing
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
        info = manifest.get("meta", {}).get("round", {})
        title = _("{name} ({year})").format(
            name=info.get("name") or filename, year=info.get("year", "")
        )
        with transaction.atomic():
            archive = _store(
                path,
                round=None,
                source=ArchiveSource.IMPORTED,
                digest=report.manifest_sha256,
                title=title,
                acting_user=acting_user,
                verification=report.render(lang),
            )
            record(
                "archive.import",
                acting_user,
                obj=archive,
                data={"file": filename, "manifest_sha256": report.manifest_sha256, "title": title},
            )
    return archive
