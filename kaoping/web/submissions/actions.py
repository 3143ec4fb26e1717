"""Actions on base data: drafts, uploads, submission, rectification, checks, verification.

Each ``do_*`` function runs in one transaction and writes its evaluation-log entry there.
Permission checks are the views' (and API's) job, through :mod:`kaoping.web.permissions`;
the actions refuse wrong states.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.scoring import DataError
from kaoping.tables import read_base_data
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError
from kaoping.web.planning.models import office_may_submit
from kaoping.web.rounds.models import Round, RoundState
from kaoping.web.schemes.fields import for_units
from kaoping.web.submissions.bulk import insert_many, update_many
from kaoping.web.submissions.data import (
    Finding,
    all_values,
    findings_of,
    validate_values,
    values_of,
)
from kaoping.web.submissions.models import (
    Attachment,
    Rectification,
    Submission,
    SubmissionStatus,
    ValueChange,
    VerificationRecord,
)
from kaoping.web.submissions.plausibility import confirm_warnings


class Rejected(ActionError):
    """Data that does not pass validation, with every finding (cell by cell)."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__(
            _("%(count)s problem(s) found; nothing was saved.") % {"count": len(findings)}
        )


class StaleEdit(ActionError):
    """The submission changed since the form was shown: nothing was saved.

    ``current`` is the submission as stored now (its values and version), so the page can
    show the other person's values beside the ones just typed.
    """

    def __init__(self, current: Submission, who: str, when):
        self.current = current
        super().__init__(
            _(
                "These data were changed by %(who)s at %(when)s while you were editing; your "
                "changes were NOT saved. Compare your values with the saved ones below, then "
                "save again."
            )
            % {"who": who or _("another user"), "when": when}
        )


def _check_version(submission: Submission, expected: int | None) -> None:
    if expected is None or submission.version == expected:
        return
    from kaoping.web.audit.models import AuditEntry

    last = (
        AuditEntry.objects.filter(
            round=submission.round, unit=submission.unit, action__startswith="submission."
        )
        .order_by("-id")
        .only("actor_name", "at")
        .first()
    )
    when = timezone.localtime(last.at).strftime("%H:%M:%S") if last else ""
    raise StaleEdit(submission, last.actor_name if last else "", when)


def _refuse_own_unit(submission: Submission, acting_user, what: str) -> None:
    """Separation of duties: nobody checks, returns or verifies his own unit's data."""
    from kaoping.web.accounts.models import Membership, Role

    member = Membership.objects.filter(user=acting_user, role=Role.UNIT, unit=submission.unit)
    if member.exists() or (
        submission.submitted_by_id and submission.submitted_by_id == acting_user.pk
    ):
        raise ActionError(
            _("You cannot %(what)s data of your own unit or data you submitted yourself.")
            % {"what": what}
        )


def read_table(content: bytes, scheme, filename: str, lang: str):
    """``read_base_data`` with every failure as :class:`Rejected` (never a server error)."""
    try:
        return read_base_data(content, for_units(scheme), filename=filename)
    except DataError as exc:
        raise Rejected(findings_of(exc, scheme, lang)) from None


def submission_for(round: Round, unit) -> Submission:
    submission, _created = Submission.objects.get_or_create(round=round, unit=unit)
    return submission


def _locked(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update().select_related("round", "unit").get(pk=submission.pk)
    )


def _require_collection(round: Round) -> None:
    if round.state != RoundState.COLLECTION:
        raise ActionError(_("Data collection is not open for this round."))


def _apply_values(submission: Submission, values: Mapping, actor, reason: str) -> dict[str, list]:
    """Store new values; after a first submission, keep each old value with who and why.

    Returns ``{field: [old, new]}`` for the values that changed (for the log entry).
    """
    old = submission.values or {}
    changed = {k: [old.get(k), values.get(k)] for k in values if old.get(k) != values.get(k)}
    if submission.first_submitted_at and changed:
        if not reason.strip():
            raise ActionError(
                _("Values were already submitted: please give a reason for the change.")
            )
        now = timezone.now()
        ValueChange.objects.bulk_create(
            ValueChange(
                submission=submission,
                field=k,
                old_value=old.get(k),
                new_value=values.get(k),
                changed_by=actor,
                changed_at=now,
                reason=reason,
            )
            for k in changed
        )
    submission.values = {**old, **values}
    return changed


def do_save_draft(
    submission: Submission,
    values: Mapping,
    *,
    acting_user,
    reason: str = "",
    expected_version: int | None = None,
) -> Submission:
    """Save typed values without submitting them (drafts may be incomplete).

    ``expected_version`` is the version the form showed: an older one is refused
    (:class:`StaleEdit`), so two people never silently overwrite each other.
    """
    with transaction.atomic():
        submission = _locked(submission)
        _check_version(submission, expected_version)
        _require_collection(submission.round)
        if not submission.editable:
            raise ActionError(_("This submission can no longer be edited."))
        changed = _apply_values(submission, values, acting_user, reason)
        submission.source = "form"
        if submission.status == SubmissionStatus.PENDING_CONFIRMATION:
            submission.status = SubmissionStatus.DRAFT
        submission.save()
        record(
            "submission.save_draft",
            acting_user,
            round=submission.round,
            unit=submission.unit,
            obj=submission,
            data={"changed": changed, "reason": reason, "version": submission.version},
        )
    return submission


def do_upload(
    submission: Submission,
    content: bytes,
    filename: str,
    *,
    acting_user,
    reason: str = "",
    lang: str = "zh",
    expected_version: int | None = None,
) -> Submission:
    """Validate an uploaded template (every problem at once) and keep it as the draft."""
    round, unit = submission.round, submission.unit
    scheme = round.scheme()
    data = read_table(content, scheme, filename, lang)
    if unit.code not in data.codes:
        raise Rejected(
            [
                Finding(
                    None,
                    None,
                    "unit_code",
                    ", ".join(data.codes[:5]),
                    _("The file has no row for your unit (code %(code)s).") % {"code": unit.code},
                )
            ]
        )
    others = [c for c in data.codes if c != unit.code]
    if others:
        raise Rejected(
            [
                Finding(
                    data.row_of(data.index_of(c)),
                    None,
                    "unit_code",
                    c,
                    _("This row is for another unit; upload only your own row."),
                )
                for c in others
            ]
        )
    values = values_of(data, data.index_of(unit.code), scheme)
    with transaction.atomic():
        submission = _locked(submission)
        _check_version(submission, expected_version)
        _require_collection(submission.round)  # as stored now, not as the caller saw it
        if not submission.editable:
            raise ActionError(_("This submission can no longer be edited."))
        changed = _apply_values(submission, values, acting_user, reason)
        submission.source = filename
        if submission.status == SubmissionStatus.PENDING_CONFIRMATION:
            submission.status = SubmissionStatus.DRAFT
        submission.save()
        record(
            "submission.upload",
            acting_user,
            round=round,
            unit=unit,
            obj=submission,
            data={
                "file": filename,
                "sha256": data.sha256,
                "changed": changed,
                "reason": reason,
                "version": submission.version,
            },
        )
    return submission


def do_submit(
    submission: Submission, *, acting_user, lang: str = "zh", confirm_reason: str = ""
) -> Submission:
    """Submit deliberately: the stored values must pass every rule of the scheme, and every
    plausibility warning must be confirmed with a reason (issue 11)."""
    with transaction.atomic():
        submission = _locked(submission)
        round = submission.round
        _require_collection(round)
        if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
            raise ActionError(_("Only a draft or a returned submission can be submitted."))
        scheme = round.scheme()
        try:
            validate_values(scheme, submission.unit, round.year, submission.values)
        except DataError as exc:
            raise Rejected(findings_of(exc, scheme, lang)) from None
        confirm_warnings(
            submission, confirm_reason, stage="submit", acting_user=acting_user, lang=lang
        )
        now = _mark_submitted(submission, acting_user)
        Rectification.objects.filter(submission=submission, resolved_at__isnull=True).update(
            resolved_at=now
        )
        record(
            "submission.submit",
            acting_user,
            round=round,
            unit=submission.unit,
            obj=submission,
            data={"values": submission.values},
        )
    return submission


def _mark_submitted(submission: Submission, acting_user):
    """Submitted now by ``acting_user`` (the first submission's time is kept); returns now."""
    now = timezone.now()
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = now
    submission.submitted_by = acting_user
    submission.first_submitted_at = submission.first_submitted_at or now
    submission.save()
    return now


def do_confirm_import(
    submission: Submission, *, acting_user, confirm_reason: str = ""
) -> Submission:
    """A unit confirms the row the office imported for it (then it counts as submitted)."""
    with transaction.atomic():
        submission = _locked(submission)
        _require_collection(submission.round)
        if submission.status != SubmissionStatus.PENDING_CONFIRMATION:
            raise ActionError(_("There is no imported row waiting for confirmation."))
        confirm_warnings(
            submission, confirm_reason, stage="confirm_import", acting_user=acting_user
        )
        _mark_submitted(submission, acting_user)
        record(
            "submission.confirm_import",
            acting_user,
            round=submission.round,
            unit=submission.unit,
            obj=submission,
        )
    return submission


def do_return(
    submission: Submission, *, reasons: Mapping[str, str], general: str, deadline: date, acting_user
) -> Rectification:
    """限期整改: send a submission back with a reason per field and a deadline."""
    reasons = {k: v.strip() for k, v in reasons.items() if v and v.strip()}
    if not reasons and not general.strip():
        raise ActionError(_("Give at least one reason for the rectification."))
    if deadline < timezone.localdate():
        raise ActionError(_("The deadline cannot be in the past."))
    with transaction.atomic():
        submission = _locked(submission)
        if submission.round.state not in (RoundState.COLLECTION, RoundState.VERIFICATION):
            raise ActionError(
                _("Submissions can only be returned during collection or verification.")
            )
        if submission.status != SubmissionStatus.SUBMITTED:
            raise ActionError(_("Only a submitted (not yet verified) submission can be returned."))
        _refuse_own_unit(submission, acting_user, _("return"))
        submission.status = SubmissionStatus.RETURNED
        submission.save()
        rect = Rectification.objects.create(
            submission=submission,
            reasons=reasons,
            general=general.strip(),
            deadline=deadline,
            returned_by=acting_user,
            returned_at=timezone.now(),
        )
        record(
            "submission.return",
            acting_user,
            round=submission.round,
            unit=submission.unit,
            obj=rect,
            data={"reasons": reasons, "general": general, "deadline": deadline},
        )
    return rect


def do_record_check(
    submission: Submission,
    *,
    kind: str,
    when: date,
    method: str,
    finding: str,
    acting_user,
    attachment=None,
) -> VerificationRecord:
    with transaction.atomic():
        check = VerificationRecord(
            submission=submission,
            kind=kind,
            checker=acting_user,
            date=when,
            method=method,
            finding=finding,
        )
        if attachment is not None:
            check.attachment.save(attachment.name, attachment, save=False)
        check.save()
        record(
            "submission.check",
            acting_user,
            round=submission.round,
            unit=submission.unit,
            obj=check,
            data={"kind": kind, "date": when, "method": method, "finding": finding},
        )
    return check


def do_verify(submission: Submission, *, acting_user, confirm_reason: str = "") -> Submission:
    """The agency vouches for the data; plausibility warnings need its reason (issue 11)."""
    with transaction.atomic():
        submission = _locked(submission)
        if submission.round.state not in (RoundState.COLLECTION, RoundState.VERIFICATION):
            raise ActionError(_("Data can only be verified during collection or verification."))
        if submission.status != SubmissionStatus.SUBMITTED:
            raise ActionError(_("Only submitted data can be verified."))
        _refuse_own_unit(submission, acting_user, _("verify"))
        confirm_warnings(submission, confirm_reason, stage="verify", acting_user=acting_user)
        submission.status = SubmissionStatus.VERIFIED
        submission.verified_at = timezone.now()
        submission.verified_by = acting_user
        submission.save()
        record(
            "submission.verify",
            acting_user,
            round=submission.round,
            unit=submission.unit,
            obj=submission,
        )
    return submission


def do_verify_many(round: Round, units, *, acting_user) -> tuple[list, list[tuple]]:
    """Verify the selected units' submissions, each as :func:`do_verify` would.

    Returns ``(verified units, [(unit, reason), ...] refused)``: a unit that has not
    submitted, or the agency user's own unit, is refused and named, the others verified.
    """
    subs = {s.unit_id: s for s in Submission.objects.filter(round=round, unit__in=units)}
    verified, refused = [], []
    with transaction.atomic():
        for unit in units:
            submission = subs.get(unit.pk)
            if submission is None:
                refused.append((unit, _("Only submitted data can be verified.")))
                continue
            try:
                do_verify(submission, acting_user=acting_user)
            except ActionError as exc:
                refused.append((unit, str(exc)))
            else:
                verified.append(unit)
    return verified, refused


def do_open_document(submission: Submission, document, *, acting_user) -> None:
    """Log that someone opened a supporting document or a check's attachment."""
    record(
        "submission.open_attachment",
        acting_user,
        round=submission.round,
        unit=submission.unit,
        obj=document,
        data={"name": getattr(document, "name", "") or str(document.attachment.name)},
    )


def do_correct_value(
    submission: Submission, field: str, value: float | None, *, reason: str, acting_user
) -> Submission:
    """Change one value after submission (e.g. after a re-review), keeping the old one."""
    if field not in {f.key for f in submission.round.scheme().fields}:
        raise ActionError(_("Unknown field."))
    with transaction.atomic():
        submission = _locked(submission)
        changed = _apply_values(submission, {field: value}, acting_user, reason or "")
        submission.save()
        record(
            "submission.correct_value",
            acting_user,
            round=submission.round,
            unit=submission.unit,
            obj=submission,
            data={"field": field, "value": value, "reason": reason, "changed": changed},
        )
    return submission


class RowOutcome(models.TextChoices):
    IMPORTED = "imported", _("imported, awaiting the unit's confirmation")
    SUBMITTED = "submitted_on_behalf", _("imported and submitted on the unit's behalf")
    ALREADY_SUBMITTED = "already_submitted", _("not imported: the unit has already submitted")
    REFUSED = "refused", _("refused")


@dataclass(frozen=True)
class ImportRow:
    """What happened to one row of the office's table."""

    row: int
    code: str
    name: str
    outcome: str
    reason: str = ""

    @property
    def outcome_label(self) -> str:
        return RowOutcome(self.outcome).label


def do_import_all(
    round: Round,
    content: bytes,
    filename: str,
    *,
    acting_user,
    lang: str = "zh",
    on_behalf: bool = False,
) -> list[ImportRow]:
    """Import every unit's row from one table and report what happened to each row.

    A row is imported (the unit then confirms it) unless its unit is not in the round or has
    already submitted; those rows are reported and skipped, the others still go in. With
    ``on_behalf`` (only where the round allows it) the rows count as submitted by the office
    on the units' behalf, and the log says so. Values a returned unit had submitted before
    are kept in the value history, as when the unit changes them itself. One query per kind
    of write, whatever the number of rows (bulk INSERT and UPDATE).
    """
    scheme = round.scheme()
    data = read_table(content, scheme, filename, lang)
    rows = all_values(data, scheme)
    # (pk, name) by code: 3,000 model instances would cost more than the INSERT.
    units = {code: (pk, name) for pk, code, name in round.units.values_list("pk", "code", "name")}
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.state != RoundState.COLLECTION:
            raise ActionError(_("Data collection is not open for this round."))
        if on_behalf and not office_may_submit(round):
            raise ActionError(_("This round does not allow the office to submit for units."))
        existing = {
            s.unit_id: s for s in Submission.objects.select_for_update().filter(round=round)
        }
        now = timezone.now()
        report, new, updated, changes = [], [], [], []
        status = SubmissionStatus.SUBMITTED if on_behalf else SubmissionStatus.PENDING_CONFIRMATION
        why = _("imported by the office from %(file)s") % {"file": filename}
        for position, code in enumerate(data.codes):
            row, (unit_id, unit_name) = data.row_of(position), units.get(code, (None, ""))
            if unit_id is None:
                report.append(
                    ImportRow(
                        row,
                        code,
                        data.units[position].name,
                        RowOutcome.REFUSED,
                        _("This unit is not part of the round."),
                    )
                )
                continue
            submission = existing.get(unit_id)
            if submission is not None and not submission.editable:
                report.append(
                    ImportRow(
                        row,
                        code,
                        unit_name,
                        RowOutcome.ALREADY_SUBMITTED,
                        submission.get_status_display(),
                    )
                )
                continue
            values = rows[position]
            if submission is None:
                submission = Submission(round=round, unit_id=unit_id, values={})
                new.append(submission)
            else:
                submission.version += 1
                updated.append(submission)
            old = submission.values or {}
            if submission.first_submitted_at:
                changes += [
                    ValueChange(
                        submission=submission,
                        field=k,
                        old_value=old.get(k),
                        new_value=v,
                        changed_by=acting_user,
                        changed_at=now,
                        reason=why,
                    )
                    for k, v in values.items()
                    if old.get(k) != v
                ]
            submission.values = {**old, **values}
            submission.status = status
            submission.source = filename
            submission.updated_at = now
            if on_behalf:
                submission.submitted_at, submission.submitted_by = now, acting_user
                submission.first_submitted_at = submission.first_submitted_at or now
            outcome = RowOutcome.SUBMITTED if on_behalf else RowOutcome.IMPORTED
            report.append(ImportRow(row, code, unit_name, outcome))
        # New submissions differ only in their unit and values (same status, source, times).
        insert_many(new, varying=["unit_id", "values"])
        update_many(
            updated,
            [
                "values",
                "status",
                "source",
                "updated_at",
                "version",
                "submitted_at",
                "submitted_by",
                "first_submitted_at",
            ],
        )
        ValueChange.objects.bulk_create(changes)
        if on_behalf:  # a returned unit's rectification is answered by the new submission
            Rectification.objects.filter(submission__in=updated, resolved_at__isnull=True).update(
                resolved_at=now
            )
        by_outcome: dict[str, list[str]] = {}
        for item in report:
            by_outcome.setdefault(item.outcome, []).append(item.code)
        record(
            "submission.import_all",
            acting_user,
            round=round,
            data={
                "file": filename,
                "sha256": data.sha256,
                "units": len(data),
                "on_behalf": on_behalf,
                "rows": by_outcome,
            },
        )
    return report


def do_attach(submission: Submission, upload, *, field: str = "", acting_user) -> Attachment:
    """Keep a supporting document; a unit may add them until its data are verified."""
    from kaoping.web.accounts.models import Membership, Role

    with transaction.atomic():
        submission = _locked(submission)
        own = Membership.objects.filter(user=acting_user, role=Role.UNIT, unit=submission.unit)
        if submission.status == SubmissionStatus.VERIFIED and own.exists():
            raise ActionError(
                _("The data are verified: supporting documents can no longer be added.")
            )
        attachment = Attachment(
            submission=submission, field=field, name=upload.name, uploaded_by=acting_user
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        record(
            "submission.attach",
            acting_user,
            round=submission.round,
            unit=submission.unit,
            obj=attachment,
            data={"name": upload.name, "field": field},
        )
    return attachment
