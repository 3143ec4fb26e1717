"""The unit drop-downs of thousands render as Django's own Select would, in one pass."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms

from kaoping.web.schemes.forms import IdChoiceField, IdMultipleChoiceField
from kaoping.web.units.models import Unit
from kaoping.web.widgets import FastSelect, FastSelectMultiple

pytestmark = pytest.mark.django_db


class Options(HTMLParser):
    """The select's attributes and its options as (value, selected, label)."""

    def __init__(self) -> None:
        super().__init__()
        self.select: dict[str, str | None] = {}
        self.options: list[list[object]] = []
        self._in_option = False

    def handle_starttag(self, tag, attrs):
        if tag == "select":
            self.select = dict(attrs)
        elif tag == "option":
            a = dict(attrs)
            self.options.append([a.get("value"), "selected" in a, ""])
            self._in_option = True

    def handle_endtag(self, tag):
        self._in_option = self._in_option and tag != "option"

    def handle_data(self, data):
        if self._in_option:
            self.options[-1][2] += data


def parsed(html: str) -> Options:
    parser = Options()
    parser.feed(str(html))
    return parser


@pytest.fixture
def units():
    return [
        Unit.objects.create(code="110101", name="东城区"),
        Unit.objects.create(code="110102", name='西城<b>&"区'),  # escaped like Django does
        Unit.objects.create(code="110105", name="朝阳区"),
    ]


def form_class(field, widget):
    class UnitForm(forms.Form):
        unit = field(queryset=Unit.objects.order_by("code"), widget=widget)

    return UnitForm


@pytest.mark.parametrize(
    ("field", "fast", "plain", "value"),
    [
        (IdChoiceField, FastSelect, forms.Select, 1),
        (IdMultipleChoiceField, FastSelectMultiple, forms.SelectMultiple, [0, 2]),
    ],
)
def test_the_fast_widget_renders_what_djangos_renders(units, field, fast, plain, value):
    chosen = [units[i].pk for i in value] if isinstance(value, list) else units[value].pk
    ours = parsed(form_class(field, fast)(initial={"unit": chosen})["unit"])
    django = parsed(form_class(field, plain)(initial={"unit": chosen})["unit"])
    assert ours.options == django.options
    assert ours.select == django.select
    assert sum(1 for o in ours.options if o[1]) == (len(value) if isinstance(value, list) else 1)
    assert ['西城<b>&"区' in str(o[2]) for o in ours.options].count(True) == 1


def test_the_id_fields_use_the_fast_widgets_and_still_validate(units):
    single = form_class(IdChoiceField, IdChoiceField.widget)
    assert isinstance(single()["unit"].field.widget, FastSelect)
    assert single({"unit": str(units[2].pk)}).is_valid()
    bad = single({"unit": "99999999999999999999"})
    assert not bad.is_valid() and "unit" in bad.errors
    many = form_class(IdMultipleChoiceField, IdMultipleChoiceField.widget)
    form = many({"unit": [str(units[0].pk), str(units[1].pk)]})
    assert isinstance(form["unit"].field.widget, FastSelectMultiple)
    assert form.is_valid() and [u.code for u in form.cleaned_data["unit"]] == ["110101", "110102"]
