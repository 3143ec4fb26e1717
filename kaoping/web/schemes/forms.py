"""The forms of the schemes pages: a new round's scheme source, the scheme settings, price
factors. The settings form checks the adjusted scheme with the loader's rules and shows every
problem at once."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from kaoping.scoring import NORMALISATIONS, builtin_scheme_codes, load_scheme
from kaoping.scoring.schemes.documents import items_of
from kaoping.web.rounds.models import Round
from kaoping.web.rounds.views import RoundForm
from kaoping.web.schemes.edit import (
    CONDITION_KEYS,
    PANEL_KEYS,
    STANDARD_KEYS,
    TIER_KEYS,
    BadParams,
    apply_settings,
    condition_rows,
    grade_rows,
    panel_rows,
    parse_params,
    problems_of,
    settings_of,
    tier_rows,
)
from kaoping.web.schemes.models import OriginKind
from kaoping.web.units.models import Unit
from kaoping.web.widgets import FastSelect, FastSelectMultiple


def builtin_choices(lang: str) -> list[tuple[str, str]]:
    """Built-in schemes by name (and code), not by code alone."""
    choices = []
    for code in builtin_scheme_codes():
        scheme = load_scheme(code)
        name = (scheme.name_en or scheme.name) if lang == "en" else scheme.name
        choices.append((code, gettext("{name} ({code})").format(name=name, code=code)))
    return choices


MAX_ID = 2**63 - 1  # larger ids cannot be looked up (SQLite and PostgreSQL bigint)


def _ids_in_range(value) -> None:
    for item in value if isinstance(value, (list, tuple)) else [value]:
        text = "" if item is None else str(item).strip()
        if text and not (text.isdigit() and int(text) <= MAX_ID):
            raise forms.ValidationError(_("Select a valid choice."), code="invalid_choice")


class IdChoiceField(forms.ModelChoiceField):
    """A model choice whose id is checked to be one the database can look up."""

    widget = FastSelect  # thousands of units: one pass, not a template per option

    def to_python(self, value):
        _ids_in_range(value)
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    widget = FastSelectMultiple

    def clean(self, value):
        _ids_in_range(value or [])
        return super().clean(value)


class NewRoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    source = forms.ChoiceField(
        label=_("Scheme from"),
        choices=OriginKind.choices,
        widget=forms.RadioSelect,
        initial=OriginKind.BUILTIN,
    )
    builtin = forms.ChoiceField(label=_("Built-in scheme"), required=False)
    upload = forms.FileField(label=_("Scheme file (.toml)"), required=False)
    source_round = IdChoiceField(
        label=_("Earlier round"), queryset=Round.objects.all(), required=False
    )
    parent = IdChoiceField(
        label=_("Evaluate the units under"),
        queryset=Unit.objects.filter(children__isnull=False).distinct(),
        required=False,
    )
    units = IdMultipleChoiceField(label=_("Units"), queryset=Unit.objects.all(), required=False)
    previous = IdChoiceField(
        label=_("Previous round (year-on-year)"), queryset=Round.objects.all(), required=False
    )

    def __init__(self, *args, lang: str = "zh", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["builtin"].choices = builtin_choices(lang)

    chosen_units = RoundForm.chosen_units  # the units picked, plus the parent's children

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        source = data["source"]
        if source == OriginKind.BUILTIN and not data.get("builtin"):
            self.add_error("builtin", _("Choose a built-in scheme."))
        if source == OriginKind.UPLOAD and not data.get("upload"):
            self.add_error("upload", _("Choose the scheme file to upload."))
        if source == OriginKind.PREVIOUS and not data.get("source_round"):
            self.add_error("source_round", _("Choose the round whose scheme to take."))
        if not self.chosen_units():
            raise forms.ValidationError(_("Choose the units this round evaluates."))
        return data


def _number(label, required=False, **kwargs) -> forms.FloatField:
    return forms.FloatField(label=label, required=required, **kwargs)


def _text(max_length: int) -> forms.CharField:
    return forms.CharField(required=False, max_length=max_length)


class SchemeSettingsForm(forms.Form):
    """Weights, standards, grade bands, award tiers, bonus bounds, formulas and
    normalisations, vetoes, award requirements and expert panels of one scheme document."""

    def __init__(self, raw: dict, *args, **kwargs):
        self.raw = raw
        kwargs.setdefault("initial", settings_of(raw))
        super().__init__(*args, **kwargs)
        for item in [*items_of(raw, "groups"), *items_of(raw, "indicators")]:
            self.fields[f"w_{item['code']}"] = _number(item.get("name", item["code"]), min_value=0)
        for item in items_of(raw, "indicators"):
            for key in STANDARD_KEYS:
                self.fields[f"{key}_{item['code']}"] = _number(key)
        for i in range(grade_rows(raw)):
            self.fields[f"grade_{i}_name"] = forms.CharField(required=False, max_length=20)
            self.fields[f"grade_{i}_min"] = _number(_("minimum total"))
        if isinstance(raw.get("awards"), dict):
            self.fields["pass_line"] = _number(_("Pass line"))
            for i in range(tier_rows(raw)):
                for key in TIER_KEYS:
                    self.fields[f"tier_{i}_{key}"] = (
                        forms.CharField(required=False, max_length=40)
                        if key == "name"
                        else _number(key)
                    )
        if isinstance(raw.get("adjustments"), dict):
            self.fields["max_total"] = _number(_("Bonus / deduction bound per unit"), min_value=0)
            self.fields["max_item"] = _number(_("Bound per entry"), min_value=0)
        methods = [("", _("the scheme's default"))] + [(m, m) for m in sorted(NORMALISATIONS)]
        self.fields["scoring_norm"] = forms.ChoiceField(
            label=_("Default normalisation (for indicators naming none)"),
            choices=[("", _("the built-in default (z-score)")), *methods[1:]],
            required=False,
        )
        for item in items_of(raw, "indicators"):
            self.fields[f"formula_{item['code']}"] = _text(500)
            self.fields[f"norm_{item['code']}"] = forms.ChoiceField(choices=methods, required=False)
            self.fields[f"params_{item['code']}"] = _text(300)
        for which in ("veto", "req"):
            for i in range(condition_rows(raw, which)):
                self.fields[f"{which}_{i}_condition"] = _text(300)
                self.fields[f"{which}_{i}_label"] = _text(200)
        for i in range(panel_rows(raw)):
            self.fields[f"panel_{i}_key"] = forms.RegexField(
                r"^[A-Za-z][A-Za-z0-9_-]*$",
                required=False,
                max_length=40,
                error_messages={
                    "invalid": _(
                        "A panel code is Latin letters, digits, - or _, starting with a letter."
                    )
                },
            )
            self.fields[f"panel_{i}_name"] = _text(100)
            self.fields[f"panel_{i}_items"] = _text(300)
        self.scheme = None
        self.document = None

    def clean(self):
        data = super().clean()
        # Fields with their own error keep the scheme's value here, so that the loader's
        # problems with the rest show at the same time.
        values = {**self.initial, **data}
        self._check_rows(values)
        self.document = apply_settings(self.raw, values)
        self.scheme, problems = problems_of(self.document, base=self.raw)
        for p in problems:  # every problem at once, in the user's words
            text = p.text(get_language() or "zh")
            if p.column:
                text = gettext("{name} ({code})").format(name=text, code=p.column)
            self.add_error(None, text)
        return data

    def _check_rows(self, values: dict) -> None:
        """What the loader cannot say about the page's rows: unreadable parameters, a panel
        without items or with a code given twice."""
        for item in items_of(self.raw, "indicators"):
            try:
                parse_params(str(values.get(f"params_{item['code']}") or ""))
            except BadParams as exc:
                self.add_error(
                    None,
                    _(
                        "%(code)s %(name)s: the normalisation parameters "
                        "“%(text)s” are not written as key = value, separated by "
                        "commas (%(reason)s)."
                    )
                    % {
                        "code": item["code"],
                        "name": item.get("name", ""),
                        "reason": exc,
                        "text": values.get(f"params_{item['code']}"),
                    },
                )
        seen = set()
        for i in range(panel_rows(self.raw)):
            key = str(values.get(f"panel_{i}_key") or "").strip()
            if not key:
                continue
            if key in seen:
                self.add_error(None, _("Expert panel code “%(key)s” is used twice.") % {"key": key})
            seen.add(key)
            if not str(values.get(f"panel_{i}_items") or "").strip():
                self.add_error(
                    None,
                    _(
                        "Expert panel “%(key)s” scores no items: list the item "
                        "codes it scores, e.g. A2、B1."
                    )
                    % {"key": key},
                )

    # rows for the template --------------------------------------------------------------
    def weight_rows(self):
        return [
            (item, self[f"w_{item['code']}"])
            for item in [*items_of(self.raw, "groups"), *items_of(self.raw, "indicators")]
        ]

    def standard_rows(self):
        return [
            (item, [self[f"{k}_{item['code']}"] for k in STANDARD_KEYS])
            for item in items_of(self.raw, "indicators")
        ]

    def grade_fields(self):
        return [
            (self[f"grade_{i}_name"], self[f"grade_{i}_min"]) for i in range(grade_rows(self.raw))
        ]

    def method_rows(self):
        return [
            (item, [self[f"{k}_{item['code']}"] for k in ("formula", "norm", "params")])
            for item in items_of(self.raw, "indicators")
        ]

    def veto_fields(self):
        return self._condition_fields("veto")

    def requirement_fields(self):
        return self._condition_fields("req")

    def _condition_fields(self, which: str):
        return [
            [self[f"{which}_{i}_{k}"] for k in CONDITION_KEYS]
            for i in range(condition_rows(self.raw, which))
        ]

    def panel_fields(self):
        return [[self[f"panel_{i}_{k}"] for k in PANEL_KEYS] for i in range(panel_rows(self.raw))]

    def tier_fields(self):
        if "pass_line" not in self.fields:
            return []
        return [[self[f"tier_{i}_{k}"] for k in TIER_KEYS] for i in range(tier_rows(self.raw))]


class PriceFactorForm(forms.Form):
    unit = IdChoiceField(queryset=Unit.objects.none())
    factor = forms.FloatField(label=_("Price-correction factor"), min_value=0.01, max_value=10)
    reason = forms.CharField(label=_("Basis"), max_length=300, required=False)

    def __init__(self, round, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = round.units.all()
