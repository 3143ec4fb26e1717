"""Who may see and do what: one small function per rule, used by pages AND the JSON API.

Rules (issue 4): a unit sees only its own data, and its results only once published; an
expert sees only the units assigned to him and never another expert's scores before his
group closes; the agency is independent: nobody who is a member of a unit may verify or
score that unit. Views call these functions and answer 403 (or 404) when they say no.
"""

from __future__ import annotations

from kaoping.web.accounts.models import Role
from kaoping.web.rounds.models import TRANSITIONS, Round, RoundState

STAFF_ROLES = {Role.ADMIN, Role.OFFICE, Role.AGENCY, Role.COMMITTEE, Role.LEADING_GROUP}


def roles_of(user) -> set[str]:
    """The user's roles, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_kaoping_roles", None)
    if cached is None:
        cached = set(user.memberships.values_list("role", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMIN)
        user._kaoping_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def unit_ids_of(user) -> set[int]:
    """Units the user belongs to (as a unit member)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_kaoping_units", None)
    if cached is None:
        cached = set(user.memberships.filter(role=Role.UNIT).values_list("unit_id", flat=True))
        user._kaoping_units = cached
    return cached


def is_member_of_unit(user, unit) -> bool:
    return unit.pk in unit_ids_of(user)


def is_staff_viewer(user) -> bool:
    """Office, agency, committee and administrators see every unit of every round."""
    return has_role(user, *STAFF_ROLES)


def expert_round_ids(user) -> set[int]:
    from kaoping.web.experts.models import ExpertGroup

    return set(ExpertGroup.objects.filter(members=user).values_list("round_id", flat=True))


def expert_unit_ids(user, round: Round) -> set[int]:
    from kaoping.web.experts.models import Assignment

    return set(
        Assignment.objects.filter(group__round=round, expert=user).values_list("unit_id", flat=True)
    )


# --- rounds -------------------------------------------------------------------------------


def visible_rounds(user):
    """Rounds the user may open at all."""
    if is_staff_viewer(user):
        return Round.objects.all()
    ids = set(Round.objects.filter(units__in=unit_ids_of(user)).values_list("id", flat=True))
    if has_role(user, Role.EXPERT):
        ids |= expert_round_ids(user)
    return Round.objects.filter(id__in=ids)


def can_view_round(user, round: Round) -> bool:
    return visible_rounds(user).filter(pk=round.pk).exists()


def can_create_round(user) -> bool:
    return has_role(user, Role.OFFICE)


def can_transition(user, round: Round, action: str) -> bool:
    """Role check only; the action itself refuses wrong states with a message."""
    transition = TRANSITIONS.get(action)
    return transition is not None and has_role(user, *transition.roles)


def can_view_scheme(user, round: Round) -> bool:
    """Units see standards and weights once the scheme is published (before collecting)."""
    if is_staff_viewer(user):
        return True
    return round.scheme_frozen and can_view_round(user, round)


# --- base data ----------------------------------------------------------------------------


def can_view_unit_data(user, round: Round, unit) -> bool:
    if is_member_of_unit(user, unit):
        return round.units.filter(pk=unit.pk).exists()
    if is_staff_viewer(user):
        return True
    return has_role(user, Role.EXPERT) and unit.pk in expert_unit_ids(user, round)


def can_list_submissions(user, round: Round) -> bool:
    return is_staff_viewer(user)


def can_edit_submission(user, round: Round, unit) -> bool:
    """Only the unit itself fills in its data, and only while collection is open."""
    return round.state == RoundState.COLLECTION and is_member_of_unit(user, unit)


def can_check_submission(user, round: Round, unit) -> bool:
    """Return for rectification, record checks, verify: the independent agency only."""
    return (
        has_role(user, Role.AGENCY)
        and not is_member_of_unit(user, unit)
        and round.state in (RoundState.COLLECTION, RoundState.VERIFICATION)
    )


def can_import_all(user, round: Round) -> bool:
    return has_role(user, Role.OFFICE, Role.AGENCY) and round.state == RoundState.COLLECTION


def can_view_overdue(user) -> bool:
    return has_role(user, Role.OFFICE, Role.AGENCY, Role.ADMIN)


# --- results ------------------------------------------------------------------------------


def can_run_scoring(user, round: Round) -> bool:
    """Office or agency, in scoring, and not a member of any unit of the round (issue 11)."""
    return (
        has_role(user, Role.OFFICE, Role.AGENCY)
        and round.state == RoundState.SCORING
        and not is_member_of_round_unit(user, round)
    )


def is_member_of_round_unit(user, round: Round) -> bool:
    """Separation of duties: whether ``user`` belongs to any unit evaluated in ``round``."""
    own = unit_ids_of(user)
    return bool(own) and round.units.filter(pk__in=own).exists()


def can_view_ranking(user, round: Round) -> bool:
    """Staff see draft results; units see the ranking once it is published to them."""
    if is_staff_viewer(user):
        return True
    return (
        round.results_visible_to_units and bool(unit_ids_of(user)) and can_view_round(user, round)
    )


def can_view_unit_result(user, round: Round, unit) -> bool:
    if is_staff_viewer(user):
        return True
    return (
        round.results_visible_to_units
        and is_member_of_unit(user, unit)
        and round.units.filter(pk=unit.pk).exists()
    )


# --- experts and disputes -----------------------------------------------------------------


def can_score_as_expert(user, round: Round, unit) -> bool:
    """An assigned expert who is not a member of the unit, while his group is open."""
    return (
        has_role(user, Role.EXPERT)
        and not is_member_of_unit(user, unit)
        and unit.pk in expert_unit_ids(user, round)
    )


def can_see_expert_scores(user, group) -> bool:
    """Another expert's scores stay hidden from experts until the group closes."""
    if has_role(user, Role.OFFICE, Role.AGENCY, Role.COMMITTEE, Role.ADMIN):
        return True
    return group.closed and group.members.filter(pk=user.pk).exists()


def can_manage_experts(user, round: Round) -> bool:
    return has_role(user, Role.OFFICE)


def can_file_dispute(user, round: Round, unit) -> bool:
    from kaoping.web.disputes.models import dispute_window_open

    return (
        round.state == RoundState.PUBLISHED
        and is_member_of_unit(user, unit)
        and round.units.filter(pk=unit.pk).exists()
        and dispute_window_open(round)
    )


def can_handle_disputes(user, round: Round) -> bool:
    return has_role(user, Role.OFFICE)


def can_view_log(user, round: Round | None = None) -> bool:
    return has_role(user, Role.OFFICE, Role.AGENCY, Role.COMMITTEE, Role.ADMIN)


# --- reports (added) ----------------------------------------------------------------------


def can_download_unit_report(user, round: Round, unit) -> bool:
    """A unit's report: whoever may see the unit's results (the unit once published)."""
    return can_view_unit_result(user, round, unit)


def can_download_round_report(user, round: Round) -> bool:
    """The round report (every unit's numbers) is for the office, agency and committee."""
    return is_staff_viewer(user)


def can_generate_reports(user, round: Round) -> bool:
    """Generating every unit's reports (a background job): the office or the agency."""
    return has_role(user, Role.OFFICE, Role.AGENCY)


def can_sign_reports(user, round: Round) -> bool:
    """Who signs the reports and certificates (issuer, client, number, date): the office."""
    return has_role(user, Role.OFFICE)


def can_write_narratives(user, round: Round, unit=None) -> bool:
    """The agency writes the reports' text; never for a unit he is a member of."""
    return has_role(user, Role.AGENCY) and (unit is None or not is_member_of_unit(user, unit))


# --- disputes and expert scoring (added) ---


def can_view_group(user, group) -> bool:
    """Staff see every group; an expert only the groups he is a member of."""
    return is_staff_viewer(user) or group.members.filter(pk=user.pk).exists()


def can_score_in_group(user, group, unit) -> bool:
    """An expert scores a unit only where assigned in an open group, never when he is
    recused from it or is a member of it (independence)."""
    from kaoping.web.experts.models import Assignment, Recusal

    return (
        not group.closed
        and has_role(user, Role.EXPERT)
        and not is_member_of_unit(user, unit)
        and Assignment.objects.filter(group=group, expert=user, unit=unit).exists()
        and not Recusal.objects.filter(round_id=group.round_id, expert=user, unit=unit).exists()
    )


def can_see_group_aggregate(user, group) -> bool:
    """A group's aggregated scores (with dispersion flags) appear once it is closed."""
    return group.closed and can_view_group(user, group)


def can_view_dispute(user, dispute) -> bool:
    """Staff, the unit that filed it, and the members of its re-review panel."""
    if is_staff_viewer(user) or is_member_of_unit(user, dispute.unit):
        return True
    return dispute.panel_id is not None and dispute.panel.members.filter(pk=user.pk).exists()


def can_record_rereview(user, dispute) -> bool:
    """Only a member of the dispute's re-review panel who is not a member of the unit."""
    return (
        dispute.panel_id is not None
        and has_role(user, Role.EXPERT)
        and not is_member_of_unit(user, dispute.unit)
        and dispute.panel.members.filter(pk=user.pk).exists()
    )


# --- deadlines, reminders, bulk work ------------------------------------------------------


def can_plan_round(user, round: Round) -> bool:
    """Deadlines are the office's, until the round is closed."""
    return has_role(user, Role.OFFICE) and round.state != RoundState.CLOSED


def can_remind_units(user, round: Round) -> bool:
    return has_role(user, Role.OFFICE, Role.AGENCY) and round.state in (
        RoundState.COLLECTION,
        RoundState.VERIFICATION,
    )


def can_verify_in_bulk(user, round: Round) -> bool:
    """The agency verifies selected units at once (each still refused for its own unit)."""
    return has_role(user, Role.AGENCY) and round.state in (
        RoundState.COLLECTION,
        RoundState.VERIFICATION,
    )


def can_add_evidence(user, round: Round, unit) -> bool:
    """A unit adds supporting documents until its data are verified (the action checks that);
    the agency adds its own while it checks."""
    if round.state not in (RoundState.COLLECTION, RoundState.VERIFICATION):
        return False
    return is_member_of_unit(user, unit) or can_check_submission(user, round, unit)
