"""The wizard's radios are built in Python (`pathway.forms.WizardRadios`) for speed: the HTML
must be exactly what the GOV.UK radios template gives, in every state."""

from __future__ import annotations

import pytest
from django import forms

from earlyyears.forms import GovukForm
from pathway.forms import ChildStepForm, WizardRadios, WizardStepForm

CHOICES = [("1", "Amara <Okafor>, born 3 May 2024"), ("new", "A child who is not listed here")]


class Templated(GovukForm):
    child = forms.ChoiceField(label="Which child?", widget=forms.RadioSelect, choices=CHOICES)
    optional = forms.ChoiceField(
        label="Optional", widget=forms.RadioSelect, choices=CHOICES, required=False
    )


class InPython(WizardStepForm):
    child = forms.ChoiceField(label="Which child?", widget=forms.RadioSelect, choices=CHOICES)
    optional = forms.ChoiceField(
        label="Optional", widget=forms.RadioSelect, choices=CHOICES, required=False
    )


@pytest.mark.parametrize(
    "data",
    [None, {}, {"child": "1"}, {"child": "new", "optional": "1"}, {"child": "nonsense"}],
)
def test_radios_built_in_python_are_the_templates_html(data):
    templated, in_python = Templated(data=data), InPython(data=data)
    if data is not None:
        templated.is_valid()
        in_python.is_valid()
    for name in ("child", "optional"):
        assert isinstance(in_python.fields[name].widget, WizardRadios)
        assert str(in_python[name]) == str(templated[name])
        # The whole question (legend, hint, error message) too, rendered each time.
        assert in_python[name].as_field_group() == templated[name].as_field_group()
    assert "&lt;Okafor&gt;" in str(in_python["child"])


@pytest.mark.django_db
def test_the_child_steps_radios_are_built_in_python(world):
    from earlyyears.models import Child

    form = ChildStepForm(
        data={"child-child": str(world.child_a.pk)},
        prefix="child",
        children=Child.objects.filter(pk=world.child_a.pk),
    )
    assert isinstance(form.fields["child"].widget, WizardRadios)
    html = str(form["child"])
    assert f'value="{world.child_a.pk}" id="id_child-child_0" checked required>' in html
    assert 'value="new" id="id_child-child_1" required>' in html


# The summary loop check.html had, before `summary_html` built it in Python.
SUMMARY_LOOP = """{% for section in summary %}
<h2 class="govuk-heading-m">{{ section.title }}</h2>
<dl class="govuk-summary-list govuk-!-margin-bottom-9">
  {% for label, value in section.rows %}
  <div class="govuk-summary-list__row">
    <dt class="govuk-summary-list__key">{{ label }}</dt>
    <dd class="govuk-summary-list__value">{{ value|linebreaksbr }}</dd>
    <dd class="govuk-summary-list__actions"><a class="govuk-link" href="{{ section.url }}">Change<span class="govuk-visually-hidden"> {{ label|lower }}</span></a></dd>
  </div>
  {% endfor %}
</dl>
{% endfor %}"""  # noqa: E501


def test_check_your_answers_built_in_python_is_the_templates_html():
    from django.template import engines

    from pathway.wizard import summary_html

    sections = [
        {
            "title": "About the child",
            "url": "/concerns/x/child/?change=1&a=<b>",
            "rows": [("Which child?", "Amara <Okafor> & co"), ("Date of birth", "3 May 2024")],
        },
        {"title": "Support & so far", "url": "/s/", "rows": [("Notes", "one\ntwo\r\nthree")]},
        {"title": "Empty", "url": "/e/", "rows": []},
    ]
    expected = engines["django"].from_string(SUMMARY_LOOP).render({"summary": sections})
    assert summary_html(sections) == expected
    assert summary_html([]) == ""
