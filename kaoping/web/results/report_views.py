"""Report pages: downloads (unit and round reports), the agency's narratives form, and the
background job generating every unit's report with its progress page (issue 5)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.web.common import ActionError, download, require
from kaoping.web.inputs import form_errors
from kaoping.web.jobs.durable import workers_running
from kaoping.web.permissions import (
    can_download_round_report,
    can_download_unit_report,
    can_generate_reports,
    can_sign_reports,
    can_write_narratives,
    is_staff_viewer,
)
from kaoping.web.results.documents import (
    draft_texts,
    narratives_of,
    round_report_file,
    section_choices,
    unit_report_file,
)
from kaoping.web.results.forms import NarrativesForm, ReportJobForm, ReportSigningForm
from kaoping.web.results.models import ReportJob, ReportSigning, RunStatus, UnitResult
from kaoping.web.results.report_actions import (
    do_save_narratives,
    do_set_report_signing,
    do_start_report_job,
    record_download,
)
from kaoping.web.results.unit_view import unit_workbook
from kaoping.web.results.views import run_for
from kaoping.web.rounds.views import round_for
from kaoping.web.submissions.views import lang_of

UNIT_FORMATS = ("docx", "pdf", "xlsx")
ROUND_FORMATS = ("docx", "pdf", "xlsx")


@login_required
def unit_report(request, round_id: int, unit_id: int, ext: str):
    """The unit's report as Word, PDF or Excel, for the run the user sees on the unit page."""
    round = round_for(request, round_id)
    unit = get_object_or_404(round.units, pk=unit_id)
    if not can_download_unit_report(request.user, round, unit):
        # As on the unit's page: units learn nothing about other units or unpublished results.
        raise Http404 if not is_staff_viewer(request.user) else PermissionDenied
    if ext not in UNIT_FORMATS:
        raise Http404
    run = run_for(request, round)
    if run is None or not UnitResult.objects.filter(run=run, unit=unit).exists():
        raise Http404
    try:
        file = unit_report_file(run, unit, ext, lang_of(request))
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect("results:unit", round.pk, unit.pk)
    content = file.content
    if ext == "xlsx" and not is_staff_viewer(request.user):
        content = unit_workbook(content, unit.code)  # other units: the published ranking only
    record_download(request.user, run, unit, "unit", ext)
    return download(content, file.name, file.content_type)


@login_required
def round_report(request, round_id: int, ext: str):
    round = round_for(request, round_id)
    require(can_download_round_report(request.user, round))
    if ext not in ROUND_FORMATS:
        raise Http404
    run = run_for(request, round)
    if run is None:
        raise Http404
    try:
        file = round_report_file(run, ext, lang_of(request))
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect("results:index", round.pk)
    record_download(request.user, run, None, "round", ext)
    return download(file.content, file.name, file.content_type)


@login_required
def narratives(request, round_id: int, unit_id: int | None = None):
    """The agency's text for the six parts of a unit's report (or of the round report)."""
    round = round_for(request, round_id)
    unit = get_object_or_404(round.units, pk=unit_id) if unit_id is not None else None
    require(can_write_narratives(request.user, round, unit))
    lang = lang_of(request)
    sections = section_choices(lang)
    if request.method == "POST":
        form = NarrativesForm(sections, request.POST)
        try:
            if not form.is_valid():
                raise ActionError(form_errors(form))
            changed = do_save_narratives(round, unit, form.cleaned_data, acting_user=request.user)
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Saved %(n)s part(s).") % {"n": len(changed)} if changed else _("No change."),
            )
            return redirect(request.path)
    run = run_for(request, round)
    drafts = {}
    if run is not None:
        try:
            drafts = draft_texts(run, unit, lang)
        except ActionError as exc:
            messages.error(request, str(exc))
    stored = narratives_of(round, unit)
    return render(
        request,
        "results/narratives.html",
        {
            "round": round,
            "unit": unit,
            "run": run,
            "parts": [
                (key, title, stored.get(key, ""), drafts.get(key, "")) for key, title in sections
            ],
        },
    )


@login_required
@require_POST
def signing(request, round_id: int):
    """The office sets who signs the round's reports and certificates (落款)."""
    round = round_for(request, round_id)
    require(can_sign_reports(request.user, round))
    form = ReportSigningForm(request.POST, instance=ReportSigning(round=round))
    try:
        if not form.is_valid():
            raise ActionError(form_errors(form))
        changed = do_set_report_signing(round, **form.cleaned_data, acting_user=request.user)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved who signs the reports.") if changed else _("No change."))
    return redirect("results:index", round.pk)


@login_required
@require_POST
def start_report_job(request, round_id: int):
    round = round_for(request, round_id)
    require(can_generate_reports(request.user, round))
    run = run_for(request, round)
    if run is None:
        messages.error(request, _("There are no results to report."))
        return redirect("results:index", round.pk)
    form = ReportJobForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("results:index", round.pk)
    try:
        job = do_start_report_job(
            round,
            run,
            acting_user=request.user,
            with_docx=form.cleaned_data["docx"] != "0",
            unit_codes=form.unit_codes(),
        )
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect("results:index", round.pk)
    return redirect("results:report_job", round.pk, job.pk)


@login_required
def report_job(request, round_id: int, job_id: int):
    round = round_for(request, round_id)
    require(can_generate_reports(request.user, round))
    job = get_object_or_404(ReportJob.objects.select_related("run"), round=round, pk=job_id)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": job.status,
                "progress": job.progress,
                "done_units": job.done_units,
                "total_units": job.total_units,
                "message": job.message,
            }
        )
    return render(
        request,
        "results/report_job.html",
        {"round": round, "job": job, "workers": workers_running()},
    )


@login_required
def report_job_download(request, round_id: int, job_id: int):
    round = round_for(request, round_id)
    require(can_generate_reports(request.user, round))
    job = get_object_or_404(ReportJob.objects.select_related("run"), round=round, pk=job_id)
    if job.status != RunStatus.DONE or not job.archive:
        raise Http404
    record_download(request.user, job.run, None, "archive", "zip")
    name = f"{round.name}-v{job.run.version}-绩效评价报告.zip"
    return FileResponse(job.archive.open("rb"), as_attachment=True, filename=name)
