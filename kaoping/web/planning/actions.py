"""Setting a round's deadlines and reminding units: audited ``do_*`` actions."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kaoping.web.accounts.models import Membership, Role
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError
from kaoping.web.planning.models import Reminder, RoundPlan, plan_of
from kaoping.web.rounds.models import Round
from kaoping.web.units.models import Unit

logger = logging.getLogger(__name__)
# An e-mail as send_mass_mail takes it: subject, body, sender, recipients.
Email = tuple[str, str, str, list[str]]

PLAN_FIELDS = (
    "collection_deadline",
    "rectification_days",
    "verification_deadline",
    "expert_deadline",
    "office_submits_for_units",
)


def do_set_plan(round: Round, *, acting_user: User, **values: object) -> RoundPlan:
    """Set the round's deadlines (and whether the office may submit for units)."""
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"unknown plan fields: {sorted(unknown)}")
    with transaction.atomic():
        plan = RoundPlan.objects.select_for_update().filter(round=round).first() or plan_of(round)
        before = {k: getattr(plan, k) for k in values}
        for key, value in values.items():
            setattr(plan, key, value)
        plan.save()
        changed = {k: [before[k], v] for k, v in values.items() if before[k] != v}
        record("planning.set_plan", acting_user, round=round, obj=plan, data={"changed": changed})
    return plan


def mail_configured() -> bool:
    return bool(settings.EMAIL_HOST) or not settings.EMAIL_BACKEND.endswith("smtp.EmailBackend")


def do_remind(
    round: Round, units: Iterable[Unit], *, message: str, acting_user: User
) -> list[Reminder]:
    """Remind ``units`` (in the application; by e-mail to their members where configured).

    The e-mails go out after the transaction commits: a mail server that is down never undoes
    the reminders, and it is logged, not shown as an error.
    """
    message = message.strip()
    units = list(units)
    if not units:
        raise ActionError(_("Choose at least one unit to remind."))
    if not message:
        raise ActionError(_("Write the reminder's message."))
    now = timezone.now()
    emails: list[Email] = []
    per_unit: dict[int, int] = {}
    if mail_configured():
        members = Membership.objects.filter(role=Role.UNIT, unit__in=units, user__is_active=True)
        subject = _("Reminder: %(round)s") % {"round": round.name}
        for m in members.exclude(user__email="").select_related("user", "unit"):
            if m.unit is None:  # a unit member always has his unit (the query asks for it)
                continue
            greeting = pgettext("opening of a reminder", "{unit}:").format(unit=m.unit.name)
            body = f"{greeting}\n\n{message}\n\n— {round.name}"
            emails.append((subject, body, settings.DEFAULT_FROM_EMAIL, [m.user.email]))
            per_unit[m.unit.pk] = per_unit.get(m.unit.pk, 0) + 1
    with transaction.atomic():
        reminders = Reminder.objects.bulk_create(
            Reminder(
                round=round,
                unit=u,
                message=message,
                sent_by=acting_user,
                sent_at=now,
                emailed=per_unit.get(u.pk, 0),
            )
            for u in units
        )
        record(
            "planning.remind",
            acting_user,
            round=round,
            data={"units": [u.code for u in units], "message": message, "emails": len(emails)},
        )
        transaction.on_commit(lambda: _send(emails))
    return reminders


def _send(emails: list[Email]) -> None:
    if not emails:
        return
    try:
        send_mass_mail(emails, fail_silently=False)
    except OSError:  # the mail server is down or refuses: the in-app reminders stand
        logger.exception("reminder e-mails could not be sent")
