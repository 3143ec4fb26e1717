"""Creating a round and editing its draft scheme. Each ``do_*`` runs in one transaction with
its log entry. The round's transitions (publish, score, approve, close...) and what each
needs are performed by :mod:`kaoping.web.workflow.actions`, which sits above every app."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from kaoping.scoring import KaopingError

# The TOML text of a built-in scheme, exactly as shipped: what publication freezes.
from kaoping.scoring.schemes import scheme_text as builtin_scheme_text
from kaoping.tables.plausibility import rules_of
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError
from kaoping.web.rounds.models import (
    Round,
    parse_scheme_text,
    sha256_text,
)


def do_create_round(
    *,
    name: str,
    year: int,
    units: Iterable,
    acting_user,
    scheme_code: str = "mof-2012",
    scheme_text: str | None = None,
    previous: Round | None = None,
) -> Round:
    text = scheme_text if scheme_text is not None else builtin_scheme_text(scheme_code)
    check_scheme_text(text)
    with transaction.atomic():
        round = Round.objects.create(
            name=name,
            year=year,
            scheme_code=scheme_code,
            scheme_text=text,
            previous=previous,
            created_by=acting_user,
        )
        round.units.set(list(units))
        record(
            "round.create",
            acting_user,
            round=round,
            obj=round,
            data={"name": name, "year": year, "units": round.units.count()},
        )
    return round


def do_set_scheme_text(round: Round, text: str, *, acting_user) -> None:
    """Replace a draft round's scheme; refused once the scheme is published (frozen)."""
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.scheme_frozen:
            raise ActionError(_("The scheme is published and frozen; it cannot be changed."))
        check_scheme_text(text)
        round.scheme_text = text
        round.save(update_fields=["scheme_text"])
        record(
            "round.scheme_edit",
            acting_user,
            round=round,
            obj=round,
            data={"sha256": sha256_text(text)},
        )


def check_scheme_text(text: str) -> None:
    try:
        rules_of(parse_scheme_text(text))  # its plausibility checks too (issue 11)
    except KaopingError as exc:
        raise ActionError(exc.render("zh")) from None
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise ActionError(_("The scheme is not valid TOML: %(reason)s") % {"reason": exc}) from None
