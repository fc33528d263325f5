"""The funding pages: bad input gets the GOV.UK error summary and nothing half-saved; lists
take the same number of queries for 2 rows or 20; the payment file is formula-safe; planners
see money, never a child."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from pathway.funds import services
from pathway.funds.services import Outcome
from pathway.models import FundApplication, FundEvidence, FundPayment
from tests.factories import ChildFactory

from .conftest import PDF, evidence, pdf


def _daf_post(**extra):
    data = {
        "what_for": "Sensory equipment",
        "gets_disability_living_allowance": "on",
        "family_nominated_setting": "on",
        "evidence": pdf(),
        "evidence_description": "DLA award letter",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def _errors(response) -> str:
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    return page


def test_a_setting_applies_to_the_daf_from_the_childs_page(client, world, daf):
    client.force_login(world.practitioner_a)
    # The child's page shows this section (pathway.views.CHILD_SECTIONS).
    section = render_to_string(
        "pathway/funds/_child_section.html",
        services.child_section(world.practitioner_a, world.child_a),
    )
    assert reverse("funds-choose", args=[world.child_a.pk]) in section
    choose = client.get(reverse("funds-choose", args=[world.child_a.pk])).content.decode()
    assert "Disability Access Fund" in choose
    url = reverse("funds-apply", args=[world.child_a.pk, daf.pk])
    assert "£938.00 a year" in client.get(url).content.decode()
    response = client.post(url, _daf_post())
    application = FundApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("funds-application", args=[application.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "Waiting for a decision" in detail and "DLA award letter" in detail


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"what_for": ""}, "Enter what the money will pay for"),
        ({"gets_disability_living_allowance": None}, "Confirm that the child gets Disability"),
        ({"family_nominated_setting": None}, "Confirm that the family has chosen your setting"),
        ({"evidence": None}, "Select the evidence file"),
        ({"evidence_description": ""}, "Enter what the evidence is"),
        (
            {"evidence": SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 an exe", "application/pdf")},
            "The selected file must be a JPG, PNG or PDF",
        ),
    ],
)
def test_bad_applications_get_the_error_summary_and_save_nothing(
    client, world, daf, change, message
):
    client.force_login(world.practitioner_a)
    response = client.post(
        reverse("funds-apply", args=[world.child_a.pk, daf.pk]), _daf_post(**change)
    )
    assert message in _errors(response)
    assert not FundApplication.objects.exists() and not FundEvidence.objects.exists()


def test_a_second_daf_application_is_refused_with_the_reason(client, world, daf):
    client.force_login(world.practitioner_a)
    url = reverse("funds-apply", args=[world.child_a.pk, daf.pk])
    client.post(url, _daf_post())
    page = client.get(url).content.decode()
    assert "already has a Disability Access Fund application" in page
    assert "<form" not in page.split("govuk-main-wrapper")[-1].split("</main>")[0] or (
        "Send application" not in page
    )
    response = client.post(url, _daf_post())
    assert "It is paid once a year for each child" in _errors(response)
    assert FundApplication.objects.count() == 1


def test_a_bad_amount_for_a_new_fund(client, world, iey):
    client.force_login(world.practitioner_a)
    url = reverse("funds-apply", args=[world.child_a.pk, iey.pk])
    for value, message in (
        ("", "Enter the amount you are applying for"),
        ("abc", "must be an amount of money"),
        ("0", "must be more than £0"),
        ("10.505", "no more than 2 numbers after the point"),
    ):
        data = {
            "what_for": "A ramp",
            "amount_requested": value,
            "evidence": SimpleUploadedFile("quote.pdf", PDF),
            "evidence_description": "Quote",
        }
        assert message in _errors(client.post(url, data)), value
    assert not FundApplication.objects.exists()


def _decide_url(application) -> str:
    return reverse("funds-decide", args=[application.pk])


def test_the_send_team_decides_with_reasons(client, world, daf, budgets):
    application = services.apply(
        world.practitioner_a,
        world.child_a,
        daf,
        what_for="x",
        evidence=evidence(),
        gets_disability_living_allowance=True,
        family_nominated_setting=True,
    )
    client.force_login(world.send_officer)
    page = client.get(_decide_url(application)).content.decode()
    assert "£10,000.00" in page  # what the budget has left
    assert "Select a decision" in _errors(client.post(_decide_url(application), {"reason": "x"}))
    assert "Enter the reasons" in _errors(
        client.post(_decide_url(application), {"outcome": "approve", "reason": ""})
    )
    assert "must be more than £0" in _errors(
        client.post(_decide_url(application), {"outcome": "approve", "reason": "x", "amount": "-5"})
    )
    application.refresh_from_db()
    assert application.status == FundApplication.Status.SUBMITTED
    response = client.post(_decide_url(application), {"outcome": "approve", "reason": "Gets DLA"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == FundApplication.Status.APPROVED
    client.force_login(world.practitioner_a)
    detail = client.get(reverse("funds-application", args=[application.pk])).content.decode()
    assert "Gets DLA" in detail and "£938.00" in detail and "Due" in detail


def test_overspend_is_warned_before_the_decision(client, world, daf, budgets):
    budgets["daf"].amount = Decimal("500.00")
    budgets["daf"].save()
    application = services.apply(
        world.practitioner_a,
        world.child_a,
        daf,
        what_for="x",
        evidence=evidence(),
        gets_disability_living_allowance=True,
        family_nominated_setting=True,
    )
    client.force_login(world.send_officer)
    data = {"outcome": "approve", "reason": "Gets DLA"}
    page = _errors(client.post(_decide_url(application), data))
    assert "would go £438.00 over" in page
    assert not FundPayment.objects.exists()
    response = client.post(_decide_url(application), {**data, "confirm_overspend": "on"})
    assert response.status_code == 302
    client.force_login(world.planner)
    budgets_page = client.get(reverse("funds-budgets")).content.decode()
    assert "-£438.00 (over budget)" in budgets_page


def _approved(world, daf, child=None):
    child = child or world.child_a
    application = services.apply(
        world.practitioner_a,
        child,
        daf,
        what_for="x",
        evidence=evidence(),
        gets_disability_living_allowance=True,
        family_nominated_setting=True,
    )
    services.decide(application, by=world.send_officer, outcome=Outcome.APPROVE, reason="DLA")
    return application


def test_payments_approved_exported_and_paid(client, world, daf):
    application = _approved(world, daf)
    payment = application.payments.get()
    client.force_login(world.send_officer)
    assert client.post(reverse("funds-payment-approve", args=[payment.pk])).status_code == 302
    response = client.get(reverse("funds-payment-file"))
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Payment reference"
    assert rows[1][1] == application.reference and rows[1][5] == "938.00"
    assert world.child_a.first_name not in response.content.decode()
    url = reverse("funds-payment-paid", args=[payment.pk])
    assert "Enter the date it was paid" in _errors(client.post(url, {}))
    payment.refresh_from_db()
    assert payment.status == FundPayment.Status.APPROVED
    response = client.post(
        url,
        {
            "paid_on_day": payment.due_on.day,
            "paid_on_month": payment.due_on.month,
            "paid_on_year": payment.due_on.year,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    payment.refresh_from_db()
    assert payment.status == FundPayment.Status.PAID


def test_the_payment_file_neutralises_formulae(client, world, daf):
    world.setting_a.name = '=HYPERLINK("http://x")'
    world.setting_a.save(update_fields=["name"])
    payment = _approved(world, daf).payments.get()
    services.approve_payment(payment, by=world.send_officer)
    client.force_login(world.send_officer)
    body = client.get(reverse("funds-payment-file")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body


def test_planners_see_budget_totals_and_never_a_child(client, world, daf, budgets):
    _approved(world, daf)
    client.force_login(world.planner)
    page = client.get(reverse("funds-budgets")).content.decode()
    assert "£938.00" in page and "£9,062.00" in page
    assert world.child_a.full_name not in page and world.setting_a.name not in page
    for name in ("funds-applications", "funds-payments", "funds-payment-file"):
        assert client.get(reverse(name)).status_code == 403, name
    client.force_login(world.practitioner_a)
    assert client.get(reverse("funds-budgets")).status_code == 403


def _count(client, url, django_assert_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["send_officer", "practitioner_a"])
def test_lists_take_the_same_queries_for_2_or_12_rows(
    client, world, daf, who, django_assert_num_queries
):
    client.force_login(getattr(world, who))
    for _ in range(2):
        _approved(world, daf, ChildFactory(setting=world.setting_a))
    urls = [reverse("funds-applications")]
    if who == "send_officer":
        urls += [reverse("funds-payments"), reverse("funds-budgets")]
    few = [_count(client, url, django_assert_num_queries) for url in urls]
    for _ in range(10):
        _approved(world, daf, ChildFactory(setting=world.setting_a))
    for url, expected in zip(urls, few, strict=True):
        client.get(url)
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200
