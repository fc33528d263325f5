import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from earlyyears.forms import GovukForm
from earlyyears.models import OutboxMessage


@csrf_exempt
@require_POST
def bare_insert(request):
    """The bare ceiling: one request, one INSERT, no templates, no auth."""
    OutboxMessage.objects.create(
        idempotency_key=uuid.uuid4().hex, channel="email", template="bench", status="sent"
    )
    return HttpResponse("ok")


class OneFieldForm(GovukForm):
    answer = forms.CharField(label="What is your answer?", help_text="One line is enough.")


PAGE = engines["django"].from_string(
    """{% extends "base.html" %}{% block content %}
<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
  {% include "govuk/error_summary.html" with form=form %}
  <h1 class="govuk-heading-l">Bench</h1>
  <form method="post" novalidate>{% csrf_token %}{{ form }}
    <button type="submit" class="govuk-button" data-module="govuk-button">Continue</button>
  </form>
</div></div>{% endblock %}"""
)


@login_required
def signed_in_form(request):
    """The signed-in ceiling: behind the same middleware, session and two-step check as the
    wizard, with the same audit write, rendering a one-field GOV.UK form in the base layout."""
    form = OneFieldForm(request.POST or None)
    if form.is_valid():
        form = OneFieldForm()
    request.audit = {"object_type": "bench.form", "object_id": "1", "action": "view"}
    return HttpResponse(PAGE.render({"form": form, "page_title": "Bench"}, request))


urlpatterns = [
    path("bench/insert/", bare_insert),
    path("bench/signed-in/", signed_in_form, name="bench-signed-in"),
    path("", include("earlyyears.urls")),
]
