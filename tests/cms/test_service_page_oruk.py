"""What a family reads on a service page from an imported record (issue 25): what it costs
(amounts and currency), the languages spoken, and when it runs in plain English."""

from __future__ import annotations

import pytest

from cms import services
from cms.models import ServicePage

from .oruk_records import full_record

pytestmark = pytest.mark.django_db


def test_cost_languages_and_times_in_plain_english(client, places):
    record = full_record(1)
    record["cost_options"].append(
        {"id": "6f0f1e7a-1c39-4c9e-9a53-2b1f3c4d5e6f", "option": "Siblings", "amount": 0}
    )
    assert services.import_oruk(record).saved
    page = ServicePage.objects.get(oruk_id=record["id"])
    html = client.get(page.url).content.decode()
    assert "Per child: £2.50 a session" in html
    assert "Siblings: Free" in html
    assert "British Sign Language" in html
    assert "Every Tuesday and Thursday, 9:30am to 11am, from 5 January 2026 to 20 July 2026" in html
    assert "Tuesdays and Thursdays in term time" in html  # the publisher's own words too
    assert "Details last checked on 1 March 2026" in html


def test_the_directory_lists_when_and_in_which_languages(client, places):
    assert services.import_oruk(full_record(2)).saved
    html = client.get("/local-offer/").content.decode()
    assert "When: Every Tuesday and Thursday, 9:30am to 11am" in html
    assert "Languages: British Sign Language" in html
