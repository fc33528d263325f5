"""One reading of a UK postcode (earlyyears/postcodes.py): strict for records, lenient for
searches."""

import pytest
from django.core.exceptions import ValidationError

from earlyyears.postcodes import normalise_postcode, tidy_postcode


@pytest.mark.parametrize("typed", ["WM1 4AB", "wm14ab", " w m 1  4 a b ", "WM1\u00a04AB"])
def test_a_full_postcode_is_written_one_way(typed):
    assert normalise_postcode(typed) == "WM1 4AB"
    assert tidy_postcode(typed) == "WM1 4AB"


@pytest.mark.parametrize("typed", ["WM1", "", "not a postcode", "WM1 4A", "WM\u0661 4AB"])
def test_a_record_refuses_what_is_not_a_full_postcode(typed):
    with pytest.raises(ValidationError) as error:
        normalise_postcode(typed)
    assert error.value.code == "postcode"


def test_a_search_keeps_a_district_or_other_text_as_typed_in_capitals():
    assert tidy_postcode("wm1") == "WM1"
    assert tidy_postcode(" ab 12 ") == "AB12"
    assert tidy_postcode(None) == ""
