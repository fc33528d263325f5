"""Funds as the migration seeds them, with a window open today and budgets for this year."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pathway.funds import rules
from pathway.funds.services import Evidence
from pathway.models import FundBudget, FundType

PDF = b"%PDF-1.4\n% evidence\n"


def pdf(name: str = "dla-letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def evidence(description: str = "DLA award letter") -> Evidence:
    return Evidence(pdf(), description)


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def inclusion(db, today) -> FundType:
    fund = FundType.objects.get(kind=FundType.Kind.INCLUSION)
    fund.windows.all().delete()
    fund.windows.create(
        name="This term",
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=10),
    )
    return fund


@pytest.fixture
def daf(db) -> FundType:
    return FundType.objects.get(kind=FundType.Kind.DISABILITY_ACCESS)


@pytest.fixture
def iey(db) -> FundType:
    return FundType.objects.get(name="Inclusive Early Years Fund")


@pytest.fixture
def budgets(inclusion, daf, today) -> dict[str, FundBudget]:
    year = rules.financial_year_of(today)
    return {
        "inclusion": FundBudget.objects.create(
            fund_type=inclusion, financial_year=year, amount=Decimal("5000.00")
        ),
        "daf": FundBudget.objects.create(
            fund_type=daf, financial_year=year, amount=Decimal("10000.00")
        ),
    }
