"""Starting a round from a scheme, adjusting it, and the evaluator's price factors.

Each ``do_*`` runs in one transaction with its log entry. Publication (which freezes the
scheme with its SHA-256) stays the round's own transition (``kaoping.web.rounds``).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from kaoping.scoring import KaopingError
from kaoping.scoring.schemes import resolved_document, scheme_text
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError
from kaoping.web.rounds.actions import do_create_round, do_set_scheme_text
from kaoping.web.rounds.models import Round, RoundState
from kaoping.web.schemes.edit import apply_settings, differences, document_text, problems_of
from kaoping.web.schemes.models import OriginKind, PriceFactor, SchemeOrigin

MAX_SCHEME_BYTES = 512 * 1024  # a scheme file is a few kB; anything bigger is not one
PRICE_FIELD = "price_factor"
# Factors feed the scoring run: they are settled before the results go to the committee.
PRICE_STATES = (
    RoundState.DRAFT,
    RoundState.SCHEME_PUBLISHED,
    RoundState.COLLECTION,
    RoundState.VERIFICATION,
    RoundState.SCORING,
)


def uploaded_scheme_text(content: bytes, filename: str) -> str:
    """A scheme file's text as the round keeps it: ``extends`` resolved, checked fully."""
    if len(content) > MAX_SCHEME_BYTES:
        raise ActionError(_("%(file)s is too large for a scheme file.") % {"file": filename})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ActionError(_("%(file)s is not a UTF-8 text file.") % {"file": filename}) from None
    try:
        doc = resolved_document(text, filename)
    except KaopingError as exc:
        raise ActionError(exc.render("zh")) from None
    _scheme, problems = problems_of(doc, filename)
    if problems:
        raise ActionError("\n".join(p.render("zh") for p in problems))
    return text if "extends" not in tomllib.loads(text).get("scheme", {}) else document_text(doc)


def do_create_round_from(
    *,
    kind: str,
    name: str,
    year: int,
    units: Iterable,
    acting_user,
    code: str = "",
    upload: tuple[bytes, str] | None = None,
    source_round: Round | None = None,
    previous: Round | None = None,
) -> Round:
    """A new round whose scheme comes from a built-in scheme, a file, or an earlier round."""
    if kind == OriginKind.BUILTIN:
        try:
            text, label = scheme_text(code), code
        except KaopingError as exc:
            raise ActionError(exc.render("zh")) from None
    elif kind == OriginKind.UPLOAD and upload is not None:
        text, label = uploaded_scheme_text(*upload), upload[1]
    elif kind == OriginKind.PREVIOUS and source_round is not None:
        text, label = source_round.scheme_text, f"{source_round.name}"
    else:
        raise ActionError(_("Choose where the round's scheme comes from."))
    doc = tomllib.loads(text)
    scheme_code = str(doc.get("scheme", {}).get("code", code or "custom"))
    with transaction.atomic():
        round = do_create_round(
            name=name,
            year=year,
            units=units,
            acting_user=acting_user,
            scheme_code=scheme_code,
            scheme_text=text,
            previous=previous,
        )
        SchemeOrigin.objects.create(round=round, kind=kind, label=label, text=text)
        record(
            "schemes.origin",
            acting_user,
            round=round,
            obj=round,
            data={"kind": kind, "from": label},
        )
    return round


def origin_text(round: Round) -> str:
    origin = SchemeOrigin.objects.filter(round=round).first()
    return origin.text if origin else round.scheme_text


def do_adjust_scheme(round: Round, values: dict, *, acting_user) -> list:
    """Write the form's settings into the draft scheme; returns the changes made."""
    before = tomllib.loads(round.scheme_text)
    doc = apply_settings(before, values)
    _scheme, problems = problems_of(doc, base=before)
    if problems:
        raise ActionError("\n".join(p.text("zh") for p in problems))
    changes = differences(before, doc)
    with transaction.atomic():
        do_set_scheme_text(round, document_text(doc), acting_user=acting_user)
        record(
            "schemes.adjust",
            acting_user,
            round=round,
            obj=round,
            data={"changes": [[c.item, c.before, c.after] for c in changes]},
        )
    return changes


def do_set_price_factor(
    round: Round, unit, *, factor: float, reason: str, acting_user
) -> PriceFactor:
    """The evaluator sets a unit's price-correction factor (the unit never types it)."""
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if PRICE_FIELD not in {f.key for f in round.scheme().fields}:
            raise ActionError(_("The round's scheme has no price-correction factor."))
        if round.state not in PRICE_STATES:
            raise ActionError(
                _(
                    "Price-correction factors are settled before the committee review; the round "
                    "is “%(state)s”."
                )
                % {"state": round.get_state_display()}
            )
        if not (math.isfinite(factor) and 0 < factor <= 10):
            raise ActionError(_("A price-correction factor is a number above 0 and at most 10."))
        if not round.units.filter(pk=unit.pk).exists():
            raise ActionError(_("%(unit)s is not evaluated in this round.") % {"unit": unit})
        price, _created = PriceFactor.objects.update_or_create(
            round=round,
            unit=unit,
            defaults={"factor": factor, "reason": reason.strip(), "set_by": acting_user},
        )
        record(
            "schemes.price_factor",
            acting_user,
            round=round,
            unit=unit,
            obj=price,
            data={"factor": factor, "reason": reason.strip()},
        )
    return price


def price_factors(round: Round) -> dict[str, float]:
    """Unit code -> factor for the scoring run (units without one keep the scheme default)."""
    return {
        p.unit.code: p.factor
        for p in PriceFactor.objects.filter(round=round).select_related("unit")
    }
