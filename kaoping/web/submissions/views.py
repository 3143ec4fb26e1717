"""Base-data pages: a unit's own data (template, upload, form, submit), the agency's checks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from kaoping.scoring.display import field_kind
from kaoping.web.common import (
    XLSX_TYPE,
    ActionError,
    after_label,
    document_response,
    download,
    lang_of,
    require,
    wants_xlsx,
    xlsx_response,
)
from kaoping.web.inputs import confirm_reason, form_errors, id_list
from kaoping.web.listing import page_of, query_without_page
from kaoping.web.permissions import (
    can_add_evidence,
    can_check_submission,
    can_edit_submission,
    can_import_all,
    can_list_submissions,
    can_plan_round,
    can_remind_units,
    can_verify_in_bulk,
    can_view_overdue,
    can_view_unit_data,
    is_member_of_unit,
)
from kaoping.web.planning.actions import do_remind
from kaoping.web.planning.models import office_may_submit, plan_of
from kaoping.web.rounds.models import Round
from kaoping.web.rounds.views import round_for
from kaoping.web.submissions import actions
from kaoping.web.submissions.data import input_fields, template_bytes
from kaoping.web.submissions.forms import (
    AttachForm,
    BulkForm,
    CheckForm,
    ImportForm,
    ReturnForm,
    SubmissionFilter,
    UploadReasonForm,
    parse_typed_values,
    values_form_class,
)
from kaoping.web.submissions.models import CheckKind, Submission, SubmissionStatus
from kaoping.web.submissions.plausibility import warnings_for
from kaoping.web.submissions.queries import (
    filtered_units,
    overdue_submissions,
    progress_board,
    status_counts,
    submissions_by_unit,
)
from kaoping.web.submissions.uploads import (
    DOCUMENT_TYPES,
    TABLE_TYPES,
    UploadRejected,
    read_checked,
)
from kaoping.web.units.models import Unit


def unit_in_round(request, round_id: int, unit_id: int) -> tuple[Round, Unit]:
    round = round_for(request, round_id)
    unit = get_object_or_404(round.units, pk=unit_id)
    if not can_view_unit_data(request.user, round, unit):
        raise Http404  # do not even confirm that another unit's page exists
    return round, unit


# --- lists --------------------------------------------------------------------------------


@login_required
def submission_list(request, round_id: int):
    round = round_for(request, round_id)
    require(can_list_submissions(request.user, round))
    form = SubmissionFilter(request.GET)
    units = filtered_units(round, form.chosen())
    if wants_xlsx(request):
        subs = submissions_by_unit(round)
        fields = input_fields(round.scheme())
        stem = pgettext("file name", "Base data")
        return xlsx_response(
            f"{round.name}-{stem}.xlsx",
            [_("Unit code"), _("Unit name"), _("Status")]
            + [f.label_for(lang_of(request)) for f in fields],
            (
                (
                    u.code,
                    u.name,
                    s.get_status_display() if s else _("not started"),
                    *[(s.values.get(f.key) if s else None) for f in fields],
                )
                for u in units.iterator()
                for s in [subs.get(u.pk)]
            ),
        )
    page = page_of(request, units)
    subs = submissions_by_unit(round, page)
    rows = [(unit, subs.get(unit.pk)) for unit in page]
    counts = status_counts(round)
    total = round.units.count()
    plan = plan_of(round)
    today = timezone.localdate()
    board = progress_board(round, counts, total)
    return render(
        request,
        "submissions/list.html",
        {
            "round": round,
            "rows": rows,
            "page": page,
            "form": form,
            "board": board,
            "query": query_without_page(request),
            "total": total,
            "plan": plan,
            "today": today,
            "collection_late": bool(plan.collection_deadline and plan.collection_deadline < today),
            "days_left": (plan.collection_deadline - today).days
            if plan.collection_deadline
            else None,
            "verified": counts.get(SubmissionStatus.VERIFIED, 0),
            "can_import": can_import_all(request.user, round),
            "problems": None,
            "import_form": ImportForm(),
            "on_behalf": office_may_submit(round),
            "can_remind": can_remind_units(request.user, round),
            "can_verify": can_verify_in_bulk(request.user, round),
            "can_plan": can_plan_round(request.user, round),
        },
    )


@login_required
@require_POST
def bulk(request, round_id: int):
    """Remind or verify the selected units (the progress board's buttons)."""
    round = round_for(request, round_id)
    form = BulkForm(round, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose units from the list."))
        return redirect("submissions:list", round.pk)
    units = form.chosen_units()
    if "verify" in request.POST:
        require(can_verify_in_bulk(request.user, round))
        verified, refused = actions.do_verify_many(round, units, acting_user=request.user)
        if verified:
            messages.success(request, _("%(count)s unit(s) verified.") % {"count": len(verified)})
        for unit, reason in refused:
            messages.error(request, after_label(f"{unit.code} {unit.name}", reason))
    else:
        require(can_remind_units(request.user, round))
        message = form.cleaned_data["message"] or default_reminder(round)
        try:
            sent = do_remind(round, units, message=message, acting_user=request.user)
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            emailed = sum(r.emailed for r in sent)
            messages.success(
                request,
                _("%(count)s unit(s) reminded (%(emails)s e-mail(s)).")
                % {"count": len(sent), "emails": emailed},
            )
    return redirect(f"{reverse('submissions:list', args=[round.pk])}?{form.cleaned_data['back']}")


def default_reminder(round) -> str:
    deadline = plan_of(round).collection_deadline
    if deadline:
        return _("Please submit your base data for %(round)s by %(date)s.") % {
            "round": round.name,
            "date": deadline.isoformat(),
        }
    return _("Please submit your base data for %(round)s.") % {"round": round.name}


@login_required
def overdue(request):
    require(can_view_overdue(request.user))
    return render(request, "submissions/overdue.html", {"items": overdue_submissions()})


@login_required
@require_POST
def import_all(request, round_id: int):
    round = round_for(request, round_id)
    require(can_import_all(request.user, round))
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect("submissions:list", round.pk)
    upload = form.cleaned_data["file"]
    try:
        content = read_checked(upload, TABLE_TYPES)
        report = actions.do_import_all(
            round,
            content,
            upload.name,
            acting_user=request.user,
            lang=lang_of(request),
            on_behalf=form.cleaned_data["on_behalf"],
        )
    except actions.Rejected as exc:
        messages.error(request, str(exc))
        return render(
            request,
            "submissions/problems.html",
            {"round": round, "findings": exc.findings},
            status=400,
        )
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect("submissions:list", round.pk)
    counts: dict[str, int] = {}
    for item in report:
        counts[item.outcome] = counts.get(item.outcome, 0) + 1
    done = [
        r
        for r in report
        if r.outcome in (actions.RowOutcome.IMPORTED, actions.RowOutcome.SUBMITTED)
    ]
    return render(
        request,
        "submissions/import_report.html",
        {
            "round": round,
            "file": upload.name,
            "done": done,
            "skipped": [r for r in report if r not in done],
            "summary": [
                (actions.RowOutcome(k).label, counts.get(k, 0)) for k in actions.RowOutcome.values
            ],
        },
    )


# --- one unit -----------------------------------------------------------------------------


@login_required
def unit_page(
    request, round_id: int, unit_id: int, findings=None, form=None, status=200, conflict=None
):
    round, unit = unit_in_round(request, round_id, unit_id)
    user = request.user
    scheme = round.scheme()
    lang = lang_of(request)
    submission = Submission.objects.filter(round=round, unit=unit).first()
    labels = {f.key: f.label_for(lang) for f in scheme.fields}
    rectifications = []
    if submission:
        submission.round, submission.unit = round, unit  # already read: no query again
        rectifications = labelled(submission.rectifications.select_related("returned_by"), labels)
    values = submission.values if submission else {}
    # The open one among those just read (open_rectification() would query again).
    rect = max(
        (r for r in rectifications if r.resolved_at is None), key=lambda r: r.pk, default=None
    )
    can_edit = can_edit_submission(user, round, unit) and (
        submission is None or submission.editable
    )
    if form is None and can_edit:
        form = values_form_class(scheme, lang)(
            initial={
                **{k: ("" if v is None else _plain(v)) for k, v in values.items()},
                "version": submission.version if submission else 0,
            }
        )
    rows = [
        {
            "key": f.key,
            "label": f.label_for(lang),
            "unit": f.unit,
            "value": values.get(f.key),
            "kind": field_kind(f),  # written as documents write it (kaoping.scoring.display)
            "reason": (rect.reasons.get(f.key) if rect else None),
            "field": form[f.key] if form is not None else None,
        }
        for f in input_fields(scheme)
    ]
    context = {
        "round": round,
        "unit": unit,
        "submission": submission,
        "rows": rows,
        "rect": rect,
        "findings": findings,
        "form": form,
        "can_edit": can_edit,
        "is_member": is_member_of_unit(user, unit),
        "can_check": can_check_submission(user, round, unit),
        "can_add_evidence": can_add_evidence(user, round, unit)
        and not (
            submission
            and submission.status == SubmissionStatus.VERIFIED
            and is_member_of_unit(user, unit)
        ),
        "check_form": CheckForm(initial={"when": timezone.localdate()}),
        "changes": labelled(submission.changes.select_related("changed_by"), labels)
        if submission
        else [],
        "checks": submission.checks.select_related("checker") if submission else [],
        "attachments": labelled(submission.attachments.select_related("uploaded_by"), labels)
        if submission
        else [],
        "rectifications": rectifications,
        "needs_reason": bool(submission and submission.first_submitted_at),
        "default_deadline": plan_of(round).default_rectification_deadline(timezone.localdate()),
        "conflict": conflict,
        "version": submission.version if submission else 0,
    }
    context["default_deadline"] = context["default_deadline"].isoformat()
    # Plausibility warnings of the values as they stand (issue 11): shown, and confirmed with a
    # reason when submitting or verifying.
    context["plausibility"] = (
        [w.render(lang) for w in warnings_for(submission)] if submission else []
    )
    return render(request, "submissions/unit.html", context, status=status)


def labelled(items, labels: dict[str, str]) -> list:
    """Value changes, rectifications, attachments with their fields' labels, not their keys."""
    items = list(items)
    for item in items:
        if hasattr(item, "field"):
            item.field_label = labels.get(item.field, item.field)
        if hasattr(item, "reasons"):
            item.reason_rows = [(labels.get(k, k), v) for k, v in item.reasons.items()]
    return items


def _plain(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


@login_required
def template_download(request, round_id: int, unit_id: int):
    round, unit = unit_in_round(request, round_id, unit_id)
    require(
        is_member_of_unit(request.user, unit)
        or can_check_submission(request.user, round, unit)
        or can_list_submissions(request.user, round)
    )
    submission = Submission.objects.filter(round=round, unit=unit).first()
    values = [submission.values] if submission and submission.values else None
    content = template_bytes(round.scheme(), [unit], round.year, values, lang_of(request))
    stem = pgettext("file name", "Base data table")
    return download(
        content,
        f"{unit.name}-{round.year}-{stem}.xlsx",
        XLSX_TYPE,
    )


@login_required
@require_POST
def upload(request, round_id: int, unit_id: int):
    round, unit = unit_in_round(request, round_id, unit_id)
    require(can_edit_submission(request.user, round, unit))
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect("submissions:unit", round.pk, unit.pk)
    form = UploadReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("submissions:unit", round.pk, unit.pk)
    submission = actions.submission_for(round, unit)
    try:
        content = read_checked(file, TABLE_TYPES)
        actions.do_upload(
            submission,
            content,
            file.name,
            acting_user=request.user,
            reason=form.cleaned_data["reason"],
            lang=lang_of(request),
            expected_version=_version(request.POST.get("version")),
        )
    except actions.Rejected as exc:
        messages.error(request, str(exc))
        return unit_page(request, round.pk, unit.pk, findings=exc.findings, status=400)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("File accepted and saved as a draft. Check the values, then submit.")
        )
    return redirect("submissions:unit", round.pk, unit.pk)


@login_required
@require_POST
def save_values(request, round_id: int, unit_id: int):
    """The form: 'save draft' keeps values as typed; 'submit' validates them all and submits."""
    round, unit = unit_in_round(request, round_id, unit_id)
    require(can_edit_submission(request.user, round, unit))
    scheme = round.scheme()
    form = values_form_class(scheme, lang_of(request))(request.POST)
    form.is_valid()
    values, errors = parse_typed_values(form, scheme)
    if errors:  # shown on their fields
        messages.error(request, _("Some values are not numbers; nothing was saved."))
        return unit_page(request, round.pk, unit.pk, form=form, status=400)
    submission = actions.submission_for(round, unit)
    try:
        actions.do_save_draft(
            submission,
            values,
            acting_user=request.user,
            reason=form.cleaned_data.get("reason", ""),
            expected_version=form.cleaned_data.get("version"),
        )
        if "submit" in request.POST:
            actions.do_submit(
                submission,
                acting_user=request.user,
                lang=lang_of(request),
                confirm_reason=confirm_reason(request),
            )
    except actions.StaleEdit as exc:
        return stale_page(request, round, unit, form, values, exc)
    except actions.Rejected as exc:
        messages.error(request, _("Draft saved, but not submitted: ") + str(exc))
        return unit_page(request, round.pk, unit.pk, findings=exc.findings, status=400)
    except ActionError as exc:
        messages.error(request, str(exc))
        return unit_page(request, round.pk, unit.pk, form=form, status=400)
    messages.success(request, _("Submitted.") if "submit" in request.POST else _("Draft saved."))
    return redirect("submissions:unit", round.pk, unit.pk)


def stale_page(request, round, unit, form, typed: dict, exc):
    """Nothing lost: the form keeps what the user typed, beside the values saved meanwhile."""
    messages.error(request, str(exc))
    current = exc.current
    lang = lang_of(request)
    conflict = [
        {"label": f.label_for(lang), "yours": typed.get(f.key), "saved": current.values.get(f.key)}
        for f in input_fields(round.scheme())
        if typed.get(f.key) != current.values.get(f.key)
    ]
    data = request.POST.copy()
    data["version"] = str(current.version)  # saving again now overwrites knowingly
    fresh = values_form_class(round.scheme(), lang)(data)
    fresh.is_valid()
    return unit_page(request, round.pk, unit.pk, form=fresh, status=409, conflict=conflict)


def _version(text: str | None) -> int | None:
    ids = id_list([text or ""])
    return ids[0] if ids else None


@login_required
@require_POST
def submit(request, round_id: int, unit_id: int):
    round, unit = unit_in_round(request, round_id, unit_id)
    require(can_edit_submission(request.user, round, unit))
    submission = get_object_or_404(Submission, round=round, unit=unit)
    try:
        if submission.status == SubmissionStatus.PENDING_CONFIRMATION:
            actions.do_confirm_import(
                submission, acting_user=request.user, confirm_reason=confirm_reason(request)
            )
        else:
            actions.do_submit(
                submission,
                acting_user=request.user,
                lang=lang_of(request),
                confirm_reason=confirm_reason(request),
            )
    except actions.Rejected as exc:
        messages.error(request, str(exc))
        return unit_page(request, round.pk, unit.pk, findings=exc.findings, status=400)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Submitted."))
    return redirect("submissions:unit", round.pk, unit.pk)


@login_required
@require_POST
def return_for_rectification(request, round_id: int, unit_id: int):
    round, unit = unit_in_round(request, round_id, unit_id)
    require(can_check_submission(request.user, round, unit))
    submission = get_object_or_404(Submission, round=round, unit=unit)
    form = ReturnForm(input_fields(round.scheme()), request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("submissions:unit", round.pk, unit.pk)
    try:
        actions.do_return(
            submission,
            reasons=form.reasons(),
            general=form.cleaned_data["general"],
            deadline=form.cleaned_data["deadline"],
            acting_user=request.user,
        )
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Returned for rectification."))
    return redirect("submissions:unit", round.pk, unit.pk)


@login_required
@require_POST
def record_check(request, round_id: int, unit_id: int):
    round, unit = unit_in_round(request, round_id, unit_id)
    member = is_member_of_unit(request.user, unit)
    form = CheckForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Fill in every field of the check."))
        return redirect("submissions:unit", round.pk, unit.pk)
    # A unit records only its own self-check; spot and periodic checks are the agency's.
    if form.cleaned_data["kind"] == CheckKind.SELF_CHECK and member:
        require(True)
    else:
        require(can_check_submission(request.user, round, unit))
    upload = form.cleaned_data.get("attachment")
    if upload is not None:
        try:
            read_checked(upload, DOCUMENT_TYPES)
            upload.seek(0)
        except UploadRejected as exc:
            messages.error(request, str(exc))
            return redirect("submissions:unit", round.pk, unit.pk)
    submission = actions.submission_for(round, unit)
    actions.do_record_check(
        submission,
        kind=form.cleaned_data["kind"],
        when=form.cleaned_data["when"],
        method=form.cleaned_data["method"],
        finding=form.cleaned_data["finding"],
        attachment=form.cleaned_data.get("attachment"),
        acting_user=request.user,
    )
    messages.success(request, _("Check recorded."))
    return redirect("submissions:unit", round.pk, unit.pk)


@login_required
@require_POST
def verify(request, round_id: int, unit_id: int):
    round, unit = unit_in_round(request, round_id, unit_id)
    require(can_check_submission(request.user, round, unit))
    submission = get_object_or_404(Submission, round=round, unit=unit)
    try:
        actions.do_verify(
            submission, acting_user=request.user, confirm_reason=confirm_reason(request)
        )
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Verified."))
    return redirect("submissions:unit", round.pk, unit.pk)


@login_required
@require_POST
def attach(request, round_id: int, unit_id: int):
    round, unit = unit_in_round(request, round_id, unit_id)
    require(can_add_evidence(request.user, round, unit))
    file = request.FILES.get("file")
    form = AttachForm(request.POST)
    if file is None:
        messages.error(request, _("Choose a file to upload."))
    elif not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        try:
            read_checked(file, DOCUMENT_TYPES)
            file.seek(0)
        except UploadRejected as exc:
            messages.error(
                request,
                _("Only PDF, images, spreadsheets and Word documents can be attached.")
                + " "
                + str(exc),
            )
        else:
            submission = actions.submission_for(round, unit)
            try:
                actions.do_attach(
                    submission, file, field=form.cleaned_data["field"], acting_user=request.user
                )
            except ActionError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Document attached."))
    return redirect("submissions:unit", round.pk, unit.pk)


@login_required
def attachment_download(request, round_id: int, unit_id: int, attachment_id: int):
    """A supporting document, opened in the browser (PDF, images) and logged."""
    round, unit = unit_in_round(request, round_id, unit_id)
    submission = get_object_or_404(Submission, round=round, unit=unit)
    attachment = get_object_or_404(submission.attachments, pk=attachment_id)
    actions.do_open_document(submission, attachment, acting_user=request.user)
    with attachment.file.open("rb") as handle:
        return document_response(handle.read(), attachment.name)


@login_required
def check_attachment(request, round_id: int, unit_id: int, check_id: int):
    """The attachment of a verification record (spot check, self-check), opened and logged."""
    round, unit = unit_in_round(request, round_id, unit_id)
    submission = get_object_or_404(Submission, round=round, unit=unit)
    check = get_object_or_404(submission.checks, pk=check_id)
    if not check.attachment:
        raise Http404
    actions.do_open_document(submission, check, acting_user=request.user)
    with check.attachment.open("rb") as handle:
        return document_response(handle.read(), check.attachment_name)
