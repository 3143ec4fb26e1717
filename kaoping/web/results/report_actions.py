"""Actions on reports: the agency's narratives, the background job that generates every
unit's report into a zip, and the log entry of each download (issue 5).

Like every action of the application, each writes the evaluation log in the same
transaction as its change (``kaoping.web.audit.log.record``).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.reports.text import SECTION_KEYS
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError, join_list
from kaoping.web.jobs.durable import durable, enqueue, recover_lost
from kaoping.web.results.actions import inline_jobs
from kaoping.web.results.documents import (
    ROUND_REPORT_NAME,
    certificates_file,
    render,
    round_document,
    unit_document,
    unit_file_name,
)
from kaoping.web.results.models import (
    Narrative,
    ReportJob,
    ReportSigning,
    RunStatus,
    ScoringRun,
)
from kaoping.web.rounds.models import Round
from kaoping.web.units.models import Unit

logger = logging.getLogger(__name__)

MAX_NARRATIVE_CHARS = 20_000  # per part; a report part is a few paragraphs


def do_save_narratives(
    round: Round, unit: Unit, texts: dict[str, str], *, acting_user: User
) -> list[str]:
    """Store the agency's text for the parts of ``unit``'s report (None: the round report).

    An empty text removes the part's narrative, so the report shows the draft again.
    Returns the keys of the parts that changed.
    """
    unknown = sorted(set(texts) - set(SECTION_KEYS))
    if unknown:
        raise ActionError(_("Unknown report part: %(keys)s.") % {"keys": join_list(unknown)})
    too_long = [k for k, v in texts.items() if len(v) > MAX_NARRATIVE_CHARS]
    if too_long:
        raise ActionError(
            _("The text of %(keys)s is longer than %(n)s characters.")
            % {"keys": join_list(too_long), "n": MAX_NARRATIVE_CHARS}
        )
    if unit is not None and not round.units.filter(pk=unit.pk).exists():
        raise ActionError(_("The unit is not part of this round."))
    changed = []
    with transaction.atomic():
        existing = {n.section: n for n in Narrative.objects.filter(round=round, unit=unit)}
        for key in SECTION_KEYS:
            if key not in texts:
                continue
            text = texts[key].strip()
            old = existing.get(key)
            if (old.text if old else "") == text:
                continue
            changed.append(key)
            if old is None:
                Narrative.objects.create(
                    round=round, unit=unit, section=key, text=text, updated_by=acting_user
                )
            elif text:
                old.text, old.updated_by = text, acting_user
                old.save(update_fields=["text", "updated_by", "updated_at"])
            else:
                old.delete()
        if changed:
            record(
                "reports.narratives",
                acting_user,
                round=round,
                unit=unit,
                data={"sections": changed, "chars": {k: len(texts[k].strip()) for k in changed}},
            )
    return changed


SIGNING_FIELDS = ("issuer", "client", "number", "date")


def do_set_report_signing(
    round: Round,
    *,
    issuer: str,
    client: str,
    number: str,
    date: dt.date | None,
    acting_user: User,
) -> list[str]:
    """Set who signs the round's reports and certificates (落款): the issuing body
    (评价机构), the commissioning body (委托单位), the report number and date. Returns the
    fields that changed; the log names them with their old and new values."""
    values = {
        "issuer": issuer.strip(),
        "client": client.strip(),
        "number": number.strip(),
        "date": date,
    }
    with transaction.atomic():
        signing = ReportSigning.objects.select_for_update().filter(round=round).first()
        old = {
            k: getattr(signing, k) if signing else ("" if k != "date" else None)
            for k in SIGNING_FIELDS
        }
        changed = [k for k in SIGNING_FIELDS if old[k] != values[k]]
        if not changed:
            return []
        if signing is None:
            signing = ReportSigning(round=round)
        for key in SIGNING_FIELDS:
            setattr(signing, key, values[key])
        signing.updated_by = acting_user
        signing.save()
        record(
            "reports.signing",
            acting_user,
            round=round,
            obj=signing,
            data={k: {"old": str(old[k] or ""), "new": str(values[k] or "")} for k in changed},
        )
    return changed


def record_download(acting_user: User, run: ScoringRun, unit: Unit, kind: str, ext: str) -> None:
    """Log that ``acting_user`` downloaded a report (who read which results, when)."""
    with transaction.atomic():
        record(
            "reports.download",
            acting_user,
            round=run.round,
            unit=unit,
            obj=run,
            data={"kind": kind, "format": ext, "version": run.version},
        )


def do_start_report_job(
    round: Round,
    run: ScoringRun,
    *,
    acting_user: User,
    unit_codes: list[str] | None = None,
    with_docx: bool = True,
) -> ReportJob:
    """Queue the generation of every unit's report of ``run`` (or of ``unit_codes``)."""
    if run.status != RunStatus.DONE or run.round_id != round.pk:
        raise ActionError(_("Only finished results can be reported."))
    units = _units_of(run, unit_codes)
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=round.pk)  # one job start at a time
        busy = ReportJob.objects.filter(
            round=round, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
        )
        if busy.exists():
            recover_lost()  # a job left "running" by a dead worker is retried or failed first
            if busy.exists():
                raise ActionError(_("Reports are already being generated for this round."))
        job = ReportJob.objects.create(
            round=round,
            run=run,
            started_by=acting_user,
            with_docx=with_docx,
            unit_codes=list(unit_codes or []),
            total_units=len(units),
        )
        record(
            "reports.start_job",
            acting_user,
            round=round,
            obj=job,
            data={"run": run.version, "units": len(units), "docx": with_docx},
        )
        if not inline_jobs():  # queued with the job, in its transaction: one task per unit
            for unit in units:
                enqueue(render_unit_reports, job.pk, unit.code)
    if inline_jobs():
        for unit in units:
            enqueue(render_unit_reports, job.pk, unit.code)
    return job


def _units_of(run: ScoringRun, unit_codes: list[str] | None) -> list[Unit]:
    results = (
        run.unit_results.select_related("unit").only("unit", "position").order_by("unit__code")
    )
    units = [r.unit for r in results]
    if unit_codes:
        wanted = set(unit_codes)
        units = [u for u in units if u.code in wanted]
        missing = wanted - {u.code for u in units}
        if missing:
            raise ActionError(
                _("Not in these results: %(codes)s.") % {"codes": join_list(sorted(missing))}
            )
    return units


def fail_report_job(reason: str, job_id: int, *_rest: object) -> None:
    """Mark a report job that cannot finish failed, with the reason (it can be started again)."""
    logger.error("report job %s failed: %s", job_id, reason)
    ReportJob.objects.filter(pk=job_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.FAILED, message=reason, finished_at=timezone.now()
    )


def parts_dir(job_id: int) -> Path:
    """Where the unit tasks of a job leave their files until the zip is assembled."""
    return Path(settings.MEDIA_ROOT) / "reports" / "parts" / str(job_id)


@durable(on_failure=fail_report_job)
def render_unit_reports(job_id: int, code: str) -> None:
    """One unit's reports of a job (a task per unit, so the job spreads over workers).

    Idempotent: a retry rewrites the same files. The unit that completes the set queues the
    assembly, exactly once (a conditional update decides which).
    """
    job = ReportJob.objects.select_related("run__round").get(pk=job_id)
    if not job.busy:
        return
    ReportJob.objects.filter(pk=job_id, status=RunStatus.QUEUED).update(status=RunStatus.RUNNING)
    unit = job.run.unit_results.select_related("unit").get(unit__code=code).unit
    folder = parts_dir(job_id) / code
    folder.mkdir(parents=True, exist_ok=True)
    doc = unit_document(job.run, unit)
    for ext in ("pdf", "docx") if job.with_docx else ("pdf",):
        partial = folder / f".{ext}.partial"
        partial.write_bytes(render(doc, ext))
        partial.replace(folder / unit_file_name(unit.code, unit.name, ext))
    (folder / DONE_MARK).touch()
    done = sum(1 for _ in parts_dir(job_id).glob(f"*/{DONE_MARK}"))
    total = max(job.total_units, 1)
    # The round report and certificates come after the units: the last 10%.
    progress = min(int(90 * done / total), 90)
    ReportJob.objects.filter(pk=job_id, progress__lt=progress).update(
        done_units=done, progress=progress
    )
    if done >= job.total_units and ReportJob.objects.filter(
        pk=job_id, status=RunStatus.RUNNING, progress__lt=ASSEMBLING
    ).update(progress=ASSEMBLING):
        enqueue(assemble_report_job, job_id)


DONE_MARK = ".done"
ASSEMBLING = 95  # percent: set once, by the unit task that completed the set


@durable(on_failure=fail_report_job)
def assemble_report_job(job_id: int) -> None:
    """The round report and certificates, then every file into one zip (a task)."""
    job = ReportJob.objects.select_related("run__round", "round").get(pk=job_id)
    if not job.busy:
        return
    units = _units_of(job.run, job.unit_codes or None)
    names = []
    with tempfile.TemporaryFile() as out:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for unit in units:
                for ext in ("pdf", "docx") if job.with_docx else ("pdf",):
                    file_name = unit_file_name(unit.code, unit.name, ext)
                    name = f"units/{file_name}"
                    archive.write(parts_dir(job_id) / unit.code / file_name, name)
                    names.append(name)
            doc = round_document(job.run)
            for ext in ("pdf", "docx") if job.with_docx else ("pdf",):
                archive.writestr(f"{ROUND_REPORT_NAME}.{ext}", render(doc, ext))
                names.append(f"{ROUND_REPORT_NAME}.{ext}")
            try:
                certificates = certificates_file(job.run)
            except ActionError:  # not signed yet: the reports go out, certificates later
                certificates = None
            if certificates is not None:
                archive.writestr(certificates.name, certificates.content)
                names.append(certificates.name)
        out.seek(0)
        with transaction.atomic():
            job = ReportJob.objects.select_for_update().get(pk=job_id)
            if not job.busy:
                return
            job.archive.save(f"{uuid.uuid4().hex}.zip", File(out), save=False)
            job.contents = names
            job.status, job.progress, job.done_units = RunStatus.DONE, 100, len(units)
            job.finished_at = timezone.now()
            job.save()
            entry = record(
                "reports.job_done",
                job.started_by,
                round=job.round,
                obj=job,
                data={"run": job.run.version, "files": len(names)},
            )
            job.log_count, job.log_head = entry.seq, entry.hash
            job.save(update_fields=["log_count", "log_head"])
    shutil.rmtree(parts_dir(job_id), ignore_errors=True)
