"""Base-data pages: a unit's own data (template, upload, form, submit), the agency's checks."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaoping.web.common import ActionError, download, require, wants_xlsx, xlsx_response
from kaoping.web.inputs import confirm_reason, id_list, parse_typed_number
from kaoping.web.permissions import (
    can_check_submission,
    can_edit_submission,
    can_import_all,
    can_list_submissions,
    can_view_overdue,
    can_view_unit_data,
    is_member_of_unit,
)
from kaoping.web.rounds.models import Round
from kaoping.web.rounds.views import round_for
from kaoping.web.submissions import actions
from kaoping.web.submissions.data import input_fields, template_bytes
from kaoping.web.submissions.models import (
    CheckKind,
    Rectification,
    Submission,
    SubmissionStatus,
)
from kaoping.web.submissions.plausibility import warnings_for
from kaoping.web.submissions.uploads import (
    DOCUMENT_TYPES,
    TABLE_TYPES,
    UploadRejected,
    check_name_and_size,
    check_upload,
)
from kaoping.web.units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def lang_of(request) -> str:
    return "en" if getattr(request, "LANGUAGE_CODE", "zh-hans") == "en" else "zh"


def unit_in_round(request, round_id: int, unit_id: int) -> tuple[Round, Unit]:
    round = round_for(request, round_id)
    unit = get_object_or_404(round.units, pk=unit_id)
    if not can_view_unit_data(request.user, round, unit):
        raise Http404  # do not even confirm that another unit's page exists
    return round, unit


def overdue_submissions() -> list[Rectification]:
    return list(
        Rectification.objects.filter(resolved_at__isnull=True, deadline__lt=timezone.localdate())
        .select_related("submission__round", "submission__unit")
        .order_by("deadline")
    )


# --- lists --------------------------------------------------------------------------------


@login_required
def submission_list(request, round_id: int):
    round = round_for(request, round_id)
    require(can_list_submissions(request.user, round))
    subs = {
        s.unit_id: s
        for s in Submission.objects.filter(round=round).prefetch_related("rectifications")
    }
    rows = [(unit, subs.get(unit.pk)) for unit in round.units.all()]
    if wants_xlsx(request):
        return xlsx_response(
            f"{round.name}-基础数据.xlsx",
            [_("Unit code"), _("Unit name"), _("Status")] + [f.label_for(lang_of(request)) for f in input_fields(round.scheme())],
            ((u.code, u.name, s.get_status_display() if s else _("not started"),
              *[(s.values.get(f.key) if s else None) for f in input_fields(round.scheme())]) for u, s in rows),
        )  # fmt: skip
    counts = {}
    for _unit, s in rows:
        key = s.status if s else "none"
        counts[key] = counts.get(key, 0) + 1
    return render(request, "submissions/list.html", {
        "round": round, "rows": rows, "counts": counts,
        "verified": counts.get(SubmissionStatus.VERIFIED, 0),
        "can_import": can_import_all(request.user, round), "problems": None,
    })  # fmt: skip


@login_required
def overdue(request):
    require(can_view_overdue(request.user))
    return render(request, "submissions/overdue.html", {"items": overdue_submissions()})


@login_required
@require_POST
def import_all(request, round_id: int):
    round = round_for(request, round_id)
    require(can_import_all(request.user, round))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect("submissions:list", round.pk)
    try:
        content = read_checked(upload, TABLE_TYPES)
        count = actions.do_import_all(
            round, content, upload.name, acting_user=request.user, lang=lang_of(request)
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
    else:
        messages.success(
            request,
            _("%(count)s unit(s) imported; each unit must now confirm its row.") % {"count": count},
        )
    return redirect("submissions:list", round.pk)


# --- one unit -----------------------------------------------------------------------------


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CheckKind.choices)
    when = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.CharField(label=gettext_lazy("Method"), max_length=200)
    finding = forms.CharField(label=gettext_lazy("Finding"), widget=forms.Textarea)
    attachment = forms.FileField(label=gettext_lazy("Attachment"), required=False)


def read_checked(upload, allowed: tuple[str, ...]) -> bytes:
    """The upload's bytes after the size, type-by-content and zip-bomb checks."""
    # Size and type first: a huge file is refused before it is read into memory.
    check_name_and_size(upload.name, upload.size or 0, allowed)
    content = upload.read()
    check_upload(content, upload.name, allowed)
    return content


def values_form_class(scheme, lang: str):
    fields = {
        spec.key: forms.CharField(label=spec.label_for(lang), required=False,
                                  help_text=f"{spec.unit} · {spec.expected(lang)}".strip(" ·"))
        for spec in input_fields(scheme)
    }  # fmt: skip
    fields["reason"] = forms.CharField(label=gettext_lazy("Reason for changes"), required=False)
    # The version of the submission the form shows (optimistic locking).
    fields["version"] = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)
    return type("ValuesForm", (forms.Form,), fields)


def parse_typed_values(form, scheme, lang: str = "zh") -> tuple[dict, dict]:
    """Numbers from the form, read as the table reader reads cells (``kaoping.web.inputs``);
    text that is not a finite, unambiguous number is reported per field, naming it."""
    values, errors = {}, {}
    for spec in input_fields(scheme):
        try:
            values[spec.key] = parse_typed_number(
                form.cleaned_data.get(spec.key) or "", spec.label_for(lang),
                percent=spec.type == "rate", expected=spec.expected(lang),
            )  # fmt: skip
        except forms.ValidationError as exc:
            errors[spec.key] = exc.messages[0]
    return values, errors


@login_required
def unit_page(
    request, round_id: int, unit_id: int, findings=None, form=None, status=200, conflict=None
):
    round, unit = unit_in_round(request, round_id, unit_id)
    user = request.user
    scheme = round.scheme()
    lang = lang_of(request)
    submission = Submission.objects.filter(round=round, unit=unit).first()
    values = submission.values if submission else {}
    rect = submission.open_rectification() if submission else None
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
        {"key": f.key, "label": f.label_for(lang), "unit": f.unit, "value": values.get(f.key),
         "reason": (rect.reasons.get(f.key) if rect else None),
         "field": form[f.key] if form is not None else None}
        for f in input_fields(scheme)
    ]  # fmt: skip
    context = {
        "round": round, "unit": unit, "submission": submission, "rows": rows, "rect": rect,
        "findings": findings, "form": form, "can_edit": can_edit,
        "is_member": is_member_of_unit(user, unit),
        "can_check": can_check_submission(user, round, unit),
        "check_form": CheckForm(initial={"when": timezone.localdate()}),
        "changes": submission.changes.select_related("changed_by") if submission else [],
        "checks": submission.checks.select_related("checker") if submission else [],
        "attachments": submission.attachments.all() if submission else [],
        "rectifications": submission.rectifications.select_related("returned_by") if submission else [],
        "needs_reason": bool(submission and submission.first_submitted_at),
        "default_deadline": (timezone.localdate().toordinal() + 7),
        "conflict": conflict, "version": submission.version if submission else 0,
    }  # fmt: skip
    context["default_deadline"] = date.fromordinal(context["default_deadline"]).isoformat()
    # Plausibility warnings of the values as they stand (issue 11): shown, and confirmed with a
    # reason when submitting or verifying.
    context["plausibility"] = (
        [w.render(lang) for w in warnings_for(submission)] if submission else []
    )
    return render(request, "submissions/unit.html", context, status=status)


def _plain(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


@login_required
def template_download(request, round_id: int, unit_id: int):
    round, unit = unit_in_round(request, round_id, unit_id)
    require(is_member_of_unit(request.user, unit) or can_check_submission(request.user, round, unit)
            or can_list_submissions(request.user, round))  # fmt: skip
    submission = Submission.objects.filter(round=round, unit=unit).first()
    values = [submission.values] if submission and submission.values else None
    content = template_bytes(round.scheme(), [unit], round.year, values, lang_of(request))
    return download(content, f"{unit.name}-{round.year}-基础数据表.xlsx", XLSX)


@login_required
@require_POST
def upload(request, round_id: int, unit_id: int):
    round, unit = unit_in_round(request, round_id, unit_id)
    require(can_edit_submission(request.user, round, unit))
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect("submissions:unit", round.pk, unit.pk)
    submission = actions.submission_for(round, unit)
    try:
        content = read_checked(file, TABLE_TYPES)
        actions.do_upload(submission, content, file.name, acting_user=request.user,
                          reason=request.POST.get("reason", ""), lang=lang_of(request),
                          expected_version=_version(request.POST.get("version")))  # fmt: skip
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
    values, errors = parse_typed_values(form, scheme, lang_of(request))
    if errors:
        for key, message in errors.items():
            form.add_error(key, message)
        messages.error(request, _("Some values are not numbers; nothing was saved."))
        return unit_page(request, round.pk, unit.pk, form=form, status=400)
    submission = actions.submission_for(round, unit)
    try:
        actions.do_save_draft(
            submission, values, acting_user=request.user,
            reason=form.cleaned_data.get("reason", ""),
            expected_version=form.cleaned_data.get("version"),
        )  # fmt: skip
        if "submit" in request.POST:
            actions.do_submit(submission, acting_user=request.user, lang=lang_of(request),
                              confirm_reason=confirm_reason(request))  # fmt: skip
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
            actions.do_confirm_import(submission, acting_user=request.user,
                                      confirm_reason=confirm_reason(request))  # fmt: skip
        else:
            actions.do_submit(submission, acting_user=request.user, lang=lang_of(request),
                              confirm_reason=confirm_reason(request))  # fmt: skip
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
    reasons = {f.key: request.POST.get(f"reason_{f.key}", "") for f in input_fields(round.scheme())}
    try:
        deadline = date.fromisoformat(request.POST.get("deadline", ""))
    except ValueError:
        messages.error(request, _("Give the deadline as a date."))
        return redirect("submissions:unit", round.pk, unit.pk)
    try:
        actions.do_return(submission, reasons=reasons, general=request.POST.get("general", ""),
                          deadline=deadline, acting_user=request.user)  # fmt: skip
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
        submission, kind=form.cleaned_data["kind"], when=form.cleaned_data["when"],
        method=form.cleaned_data["method"], finding=form.cleaned_data["finding"],
        attachment=form.cleaned_data.get("attachment"), acting_user=request.user,
    )  # fmt: skip
    messages.success(request, _("Check recorded."))
    return redirect("submissions:unit", round.pk, unit.pk)


@login_required
@require_POST
def verify(request, round_id: int, unit_id: int):
    round, unit = unit_in_round(request, round_id, unit_id)
    require(can_check_submission(request.user, round, unit))
    submission = get_object_or_404(Submission, round=round, unit=unit)
    try:
        actions.do_verify(submission, acting_user=request.user,
                          confirm_reason=confirm_reason(request))  # fmt: skip
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Verified."))
    return redirect("submissions:unit", round.pk, unit.pk)


@login_required
@require_POST
def attach(request, round_id: int, unit_id: int):
    round, unit = unit_in_round(request, round_id, unit_id)
    require(
        can_edit_submission(request.user, round, unit)
        or can_check_submission(request.user, round, unit)
    )
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose a file to upload."))
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
            actions.do_attach(
                submission, file, field=request.POST.get("field", ""), acting_user=request.user
            )
            messages.success(request, _("Document attached."))
    return redirect("submissions:unit", round.pk, unit.pk)


@login_required
def attachment_download(request, round_id: int, unit_id: int, attachment_id: int):
    round, unit = unit_in_round(request, round_id, unit_id)
    submission = get_object_or_404(Submission, round=round, unit=unit)
    attachment = get_object_or_404(submission.attachments, pk=attachment_id)
    with attachment.file.open("rb") as handle:
        return download(handle.read(), attachment.name, "application/octet-stream")
