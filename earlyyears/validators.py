"""Validators for identifiers families and services give us; errors are in plain words."""

import re

from django.core.exceptions import ValidationError

from .postcodes import normalise_postcode

# re.ASCII: \d means 0-9 only, so other scripts' digits cannot slip into numbers we send on.
_UK_MOBILE = re.compile(r"^(?:\+44|0044|0)7\d{9}$", re.ASCII)
_URN = re.compile(r"^(?:EY|SC)?\d{6,7}$", re.ASCII)


def normalise_uk_mobile(value: str) -> str:
    """Return the number in E.164 (+447...), the form Twilio expects."""
    compact = re.sub(r"[\s()-]", "", value or "")
    if not _UK_MOBILE.match(compact):
        raise ValidationError(
            "Enter a UK mobile number, like 07700 900 982 or +44 7700 900 982",
            code="uk_mobile",
        )
    return "+44" + compact[-10:]


def validate_uk_mobile(value: str) -> None:
    normalise_uk_mobile(value)


# Kept here, not in postcodes.py: migrations name the validators by this module's path.
def validate_postcode(value: str) -> None:
    normalise_postcode(value)


def nhs_number_check_digit(first_nine: str) -> int | None:
    """Modulus 11 check digit of an NHS number; None when no valid number has these digits."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def validate_nhs_number(value: str) -> None:
    digits = re.sub(r"\s", "", value or "")
    if not re.fullmatch(r"\d{10}", digits, re.ASCII):
        raise ValidationError("NHS number must be 10 digits, like 943 476 5919", code="nhs_length")
    if nhs_number_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            "Enter a valid NHS number: check it against the child's red book", code="nhs_check"
        )


def validate_ofsted_urn(value: str) -> None:
    if not _URN.match((value or "").upper()):
        raise ValidationError(
            "Enter the setting's Ofsted URN, like EY123456 or 2654321", code="urn"
        )
