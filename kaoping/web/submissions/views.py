"""Base-data pages: a unit's own data (template, upload, form, submit), the agency's checks."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaoping.scoring.display import field_kind
from kaoping.web.common import (
    ActionError,
    document_response,
    download,
    require,
    wants_xlsx,
    xlsx_response,
)
from kaoping.web.inputs import NumberField, confirm_reason, form_errors, id_list
from kaoping.web.listing import ListForm, page_of, query_without_page
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
from kaoping.web.submissions.forms import AttachForm, ReturnForm, UploadReasonForm
from kaoping.web.submissions.models import (
    CheckKind,
    Rectification,
    Submission,
    SubmissionStatus,
    with_open_rectification,
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


OVERDUE = "overdue"
NOT_STARTED = "none"
NOT_SUBMITTED = "unsubmitted"


class SubmissionFilter(ListForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("All statuses")),
            (NOT_STARTED, gettext_lazy("not started")),
            *SubmissionStatus.choices,
            (OVERDUE, gettext_lazy("overdue")),
            (NOT_SUBMITTED, gettext_lazy("not yet submitted (all kinds)")),
        ],
    )


def filtered_units(round: Round, chosen: dict):
    """The round's units matching the search text and the submission status."""
    units = round.units.order_by("code")
    if text := chosen.get("q"):
        units = units.filter(Q(code__icontains=text) | Q(name__icontains=text))
    status = chosen.get("status")
    if status == NOT_STARTED:
        units = units.exclude(submissions__round=round)
    elif status == NOT_SUBMITTED:
        units = units.exclude(
            submissions__round=round,
            submissions__status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.VERIFIED],
        )
    elif status == OVERDUE:
        late = Rectification.objects.filter(
            submission__round=round, resolved_at__isnull=True, deadline__lt=timezone.localdate()
        )
        units = units.filter(pk__in=late.values("submission__unit_id"))
    elif status:
        units = units.filter(submissions__round=round, submissions__status=status)
    return units


@login_required
def submission_list(request, round_id: int):
    round = round_for(request, round_id)
    require(can_list_submissions(request.user, round))
    form = SubmissionFilter(request.GET)
    units = filtered_units(round, form.chosen())
    if wants_xlsx(request):
        subs = {s.unit_id: s for s in Submission.objects.filter(round=round)}
        fields = input_fields(round.scheme())
        return xlsx_response(
            f"{round.name}-基础数据.xlsx",
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
    # Only this page's submissions, with their open rectification: the same few queries
    # whatever the number of units.
    subs = {
        s.unit_id: s
        for s in with_open_rectification(
            Submission.objects.filter(round=round, unit__in=[u.pk for u in page])
        )
    }
    rows = [(unit, subs.get(unit.pk)) for unit in page]
    counts = dict(
        Submission.objects.filter(round=round)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    total = round.units.count()
    plan = plan_of(round)
    today = timezone.localdate()
    board = (
        [(NOT_STARTED, _("not started"), total - sum(counts.values()))]
        + [(value, label, counts.get(value, 0)) for value, label in SubmissionStatus.choices]
        + [(OVERDUE, _("overdue"), filtered_units(round, {"status": OVERDUE}).count())]
    )
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


class BulkForm(forms.Form):
    """Work on several units at once: the selected ones, or every unit not yet submitted."""

    units = forms.ModelMultipleChoiceField(queryset=Unit.objects.none(), required=False)
    everyone_late = forms.BooleanField(required=False)
    message = forms.CharField(label=gettext_lazy("Message"), max_length=1000, required=False)
    back = forms.CharField(max_length=2000, required=False)  # the board's filters, to return to

    def __init__(self, round, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        self.fields["units"].queryset = round.units.all()

    def chosen_units(self) -> list:
        if self.cleaned_data.get("everyone_late"):
            return list(filtered_units(self.round, {"status": NOT_SUBMITTED}))
        return list(self.cleaned_data["units"].order_by("code"))


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
            messages.error(request, f"{unit.code} {unit.name}：{reason}")
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


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Table of all units (Excel or CSV)"))
    on_behalf = forms.BooleanField(
        label=gettext_lazy("Submit on the units' behalf (no confirmation by the units)"),
        required=False,
    )


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


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CheckKind.choices)
    when = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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
        spec.key: NumberField(
            label=spec.label_for(lang),
            required=False,
            percent=spec.type == "rate",
            expected=spec.expected(lang),
            help_text=f"{spec.unit} · {spec.expected(lang)}".strip(" ·"),
        )
        for spec in input_fields(scheme)
    }
    fields["reason"] = forms.CharField(label=gettext_lazy("Reason for changes"), required=False)
    # The version of the submission the form shows (optimistic locking).
    fields["version"] = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)
    return type("ValuesForm", (forms.Form,), fields)


def parse_typed_values(form, scheme) -> tuple[dict, dict]:
    """The numbers of a validated values form, and the message of each field that is not one
    (``kaoping.web.inputs.NumberField`` reads them as the table reader reads cells)."""
    keys = [spec.key for spec in input_fields(scheme)]
    values = {k: form.cleaned_data.get(k) for k in keys if k not in form.errors}
    errors = {k: form.errors[k][0] for k in keys if k in form.errors}
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
