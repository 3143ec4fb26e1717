"""Schemes on the page: a new round from a scheme, the settings form with its preview and
differences, publication (the round's transition), the evaluator's price factors."""

from __future__ import annotations

import tomllib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kaoping.web.accounts.models import Role
from kaoping.web.common import ActionError, require
from kaoping.web.permissions import can_create_round, has_role, is_staff_viewer
from kaoping.web.rounds.models import RoundState
from kaoping.web.rounds.views import round_for
from kaoping.web.schemes.actions import (
    PRICE_FIELD,
    do_adjust_scheme,
    do_create_round_from,
    do_set_price_factor,
    origin_text,
)
from kaoping.web.schemes.edit import differences, tree_rows
from kaoping.web.schemes.forms import NewRoundForm, PriceFactorForm, SchemeSettingsForm
from kaoping.web.schemes.models import PriceFactor, SchemeOrigin


def lang_of(request) -> str:
    return "en" if request.LANGUAGE_CODE == "en" else "zh"


@login_required
def new_round(request):
    require(can_create_round(request.user))
    form = NewRoundForm(request.POST or None, request.FILES or None, lang=lang_of(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("upload")
        try:
            round = do_create_round_from(
                kind=data["source"],
                name=data["name"],
                year=data["year"],
                units=form.chosen_units(),
                acting_user=request.user,
                code=data.get("builtin") or "",
                upload=(upload.read(), upload.name) if upload else None,
                source_round=data.get("source_round"),
                previous=data.get("previous"),
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Round created. Adjust and publish its scheme."))
            return redirect("schemes:edit", round.pk)
    return render(request, "schemes/new_round.html", {"form": form})


@login_required
def edit(request, round_id: int):
    """The draft scheme's settings; after publication the same page, read-only."""
    round = round_for(request, round_id)
    require(is_staff_viewer(request.user))
    may_edit = has_role(request.user, Role.OFFICE) and not round.scheme_frozen
    raw = tomllib.loads(round.scheme_text)
    form = SchemeSettingsForm(raw, request.POST if request.method == "POST" else None)
    preview = None
    if request.method == "POST":
        require(may_edit)
        if form.is_valid():
            if "save" in request.POST:
                try:
                    changes = do_adjust_scheme(round, form.cleaned_data, acting_user=request.user)
                except ActionError as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(
                        request, _("Scheme saved: %(n)s change(s).") % {"n": len(changes)}
                    )
                    return redirect("schemes:edit", round.pk)
            else:
                preview = {
                    "rows": tree_rows(form.scheme, lang_of(request)),
                    "changes": differences(raw, form.document),
                }
    origin = SchemeOrigin.objects.filter(round=round).first()
    context = {
        "round": round,
        "form": form,
        "may_edit": may_edit,
        "preview": preview,
        "condition_sections": [
            (_("One-vote vetoes (一票否决)"), form.veto_fields(), "vetoes"),
            *(
                [(_("Conditions for any award"), form.requirement_fields(), "requirements")]
                if form.requirement_fields()
                else []
            ),
        ],
        "rows": tree_rows(round.scheme(), lang_of(request)),
        "changes": differences(tomllib.loads(origin_text(round)), raw),
        "origin": origin,
    }
    return render(request, "schemes/edit.html", context)


@login_required
def prices(request, round_id: int):
    """The evaluator's price-correction factors (物价矫正系数), one per unit."""
    round = round_for(request, round_id)
    require(is_staff_viewer(request.user))
    may_set = has_role(request.user, Role.AGENCY, Role.OFFICE) and not round.at_least(
        RoundState.REVIEW
    )
    has_field = PRICE_FIELD in {f.key for f in round.scheme().fields}
    form = PriceFactorForm(round, request.POST or None)
    if request.method == "POST":
        require(may_set)
        if form.is_valid():
            try:
                do_set_price_factor(
                    round,
                    form.cleaned_data["unit"],
                    factor=form.cleaned_data["factor"],
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                )
            except ActionError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Price-correction factor saved."))
                return redirect("schemes:prices", round.pk)
    factors = {
        p.unit_id: p for p in PriceFactor.objects.filter(round=round).select_related("set_by")
    }
    rows = [(u, factors.get(u.pk)) for u in round.units.order_by("code")]
    return render(
        request,
        "schemes/prices.html",
        {
            "round": round,
            "rows": rows,
            "form": form,
            "may_set": may_set and has_field,
            "has_field": has_field,
        },
    )
