import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kaoping.scoring import builtin_scheme_codes, load_scheme
from kaoping.web.common import ActionError, lang_of, require, wants_xlsx, xlsx_response
from kaoping.web.permissions import (
    can_create_round,
    can_transition,
    can_view_round,
    can_view_scheme,
    is_staff_viewer,
    unit_ids_of,
    visible_rounds,
)
from kaoping.web.rounds.actions import do_create_round
from kaoping.web.rounds.models import (
    ORDER,
    REOPEN_TARGETS,
    TRANSITIONS,
    Round,
    RoundState,
)
from kaoping.web.units.models import Unit

logger = logging.getLogger(__name__)


def round_for(request, round_id: int) -> Round:
    """The round, or 404 when it does not exist or the user may not see it at all."""
    round = get_object_or_404(Round, pk=round_id)
    if not can_view_round(request.user, round):
        raise Http404
    return round


@login_required
def round_list(request):
    # A count per round, not every unit of every round (6,000 objects at 3,000 units).
    rounds = visible_rounds(request.user).annotate(units_n=Count("units"))
    if wants_xlsx(request):
        return xlsx_response(
            pgettext("file name", "Evaluation rounds") + ".xlsx",
            [_("Name"), _("Year"), _("Scheme"), _("State"), _("Units")],
            ((r.name, r.year, r.scheme_code, r.get_state_display(), r.units_n) for r in rounds),
        )
    return render(
        request,
        "rounds/list.html",
        {
            "rounds": rounds,
            "can_create": can_create_round(request.user),
            "staff": is_staff_viewer(request.user),
        },
    )


class RoundForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    scheme_code = forms.ChoiceField(label=gettext_lazy("Scheme"))
    parent = forms.ModelChoiceField(
        label=gettext_lazy("Evaluate the units under"),
        queryset=Unit.objects.filter(children__isnull=False).distinct(),
        required=False,
        help_text=gettext_lazy("or pick units below"),
    )
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Units"), queryset=Unit.objects.all(), required=False
    )
    previous = forms.ModelChoiceField(
        label=gettext_lazy("Previous round (year-on-year)"),
        queryset=Round.objects.all(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # By name (and code): a selector of bare codes means nothing to an office.
        self.fields["scheme_code"].choices = [
            (c, _("{name} ({code})").format(name=load_scheme(c).name, code=c))
            for c in builtin_scheme_codes()
        ]

    def chosen_units(self):
        units = list(self.cleaned_data["units"])
        if self.cleaned_data["parent"]:
            units += list(self.cleaned_data["parent"].children.all())
        return units

    def clean(self):
        data = super().clean()
        if not self.errors and not self.chosen_units():
            raise forms.ValidationError(_("Choose the units this round evaluates."))
        return data


@login_required
def round_create(request):
    require(can_create_round(request.user))
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round = do_create_round(
                name=form.cleaned_data["name"],
                year=form.cleaned_data["year"],
                scheme_code=form.cleaned_data["scheme_code"],
                units=form.chosen_units(),
                previous=form.cleaned_data["previous"],
                acting_user=request.user,
            )
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Round created."))
            return redirect("rounds:detail", round.pk)
    return render(request, "rounds/create.html", {"form": form})


@login_required
def round_detail(request, round_id: int):
    round = round_for(request, round_id)
    user = request.user
    actions = [
        t
        for t in TRANSITIONS.values()
        if round.state in t.sources and can_transition(user, round, t.action)
    ]
    reopen_targets = [
        (s, RoundState(s).label)
        for s in REOPEN_TARGETS
        if ORDER.index(s) < ORDER.index(round.state)
    ]
    current = ORDER.index(round.state)
    steps = [
        {
            "label": RoundState(s).label,
            "cls": "current" if i == current else ("done" if i < current else ""),
        }
        for i, s in enumerate(ORDER)
    ]
    my_units = [u for u in round.units.all() if u.pk in unit_ids_of(user)]
    context = {
        "round": round,
        "actions": actions,
        "reopen_targets": reopen_targets,
        "steps": steps,
        "transitions": round.transitions.select_related("actor"),
        "my_units": my_units,
        "staff": is_staff_viewer(user),
        "unit_count": round.units.count(),
        "can_view_scheme": can_view_scheme(user, round),
        "archives": round.archives.all() if is_staff_viewer(user) else [],
        # The latest build of the archive (a background task since closing): being built,
        # or failed with its reason and a button to build it again.
        "archive_build": round.archive_builds.first() if is_staff_viewer(user) else None,
        "can_close": can_transition(user, round, "close"),
    }
    return render(request, "rounds/detail.html", context)


@login_required
def round_scheme(request, round_id: int):
    round = round_for(request, round_id)
    require(can_view_scheme(request.user, round))
    scheme = round.scheme()
    lang = lang_of(request)
    rows = [
        {
            "depth": depth,
            "code": node.code,
            "name": node.name_for(lang),
            "weight": node.weight,
            "absolute": scheme.absolute_weight(node.code),
            "formula": getattr(getattr(node, "formula", None), "text", ""),
            "standards": getattr(node, "standards", None),
            "direction": getattr(node, "direction", ""),
        }
        for depth, node in scheme.walk()
    ]
    if wants_xlsx(request):
        return xlsx_response(
            pgettext("file name", "Evaluation scheme") + ".xlsx",
            [_("Code"), _("Name"), _("Weight"), _("Absolute weight"), _("Formula")],
            ((r["code"], r["name"], r["weight"], r["absolute"], r["formula"]) for r in rows),
        )
    fields = [(f.key, f.label_for(lang), f.unit, f.expected(lang)) for f in scheme.input_fields]
    return render(
        request,
        "rounds/scheme.html",
        {"round": round, "scheme": scheme, "rows": rows, "fields": fields, "lang": lang},
    )
