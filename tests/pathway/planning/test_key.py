"""The map's key offers only classes an area can be in: built from the figures that can be shown
(counts 1 to 4 are always [c], so no class starts at 1), each range naming figures an area
has, "None" and "[c]" only where an area has them; and route names keep their capitals."""

from __future__ import annotations

import pytest

from pathway.planning.figures import FIGURES, in_sentence
from pathway.planning.report import class_breaks, class_of, class_ranges


def test_few_different_figures_are_a_class_each():
    values = [5, 9, 9, 12]
    breaks = class_breaks(values)
    assert breaks == [5, 9, 12]
    assert class_ranges(values, breaks) == ["5", "9", "12"]


def test_many_figures_are_five_steps_from_the_smallest_shown():
    values = [5, 6, 7, 8, 11, 20, 40]
    breaks = class_breaks(values)
    # Steps of 7 from 5: (5, 12] (12, 19] (19, 26] (26, 33] (33, 40]; two hold no figure.
    assert breaks == [12.0, 26.0, 40]
    assert class_ranges(values, breaks) == ["5 to 11", "20", "40"]
    assert [class_of(v, breaks) for v in values] == [1, 1, 1, 1, 1, 2, 3]


def test_no_class_starts_below_the_smallest_figure_that_can_be_shown():
    """Counts 1 to 4 are never shown, so the first class starts at the smallest shown (5 or
    more), never at 0 or 1."""
    values = [5, 6, 7, 8, 9, 10, 30]
    first = class_ranges(values, class_breaks(values))[0]
    assert first.startswith("5 to ")


def test_rates_read_to_one_decimal_place():
    values = [2.3, 2.9, 4.1, 6.6, 8.0, 9.9]
    breaks = class_breaks(values)
    assert class_ranges(values, breaks) == ["2.3 to 2.9", "4.1", "6.6", "8", "9.9"]
    assert all(class_of(v, breaks) >= 1 for v in values)


def test_zero_and_suppressed_are_not_classes():
    assert class_breaks([0, 0, 6]) == [6]
    assert class_ranges([0, 6], [6]) == ["6"]


@pytest.mark.parametrize(
    ("label", "in_a_sentence"),
    [
        ("Early Years SEND team", "Early Years SEND team"),
        ("Early Help Assessment", "Early Help Assessment"),
        ("EYFS areas", "EYFS areas"),
        ("Portage", "portage"),
        ("Signpost to the local offer", "signpost to the local offer"),
    ],
)
def test_labels_keep_their_capitals_in_a_sentence(label, in_a_sentence):
    assert in_sentence(label) == in_a_sentence


def test_figure_labels_keep_their_capitals():
    assert FIGURES["route_send_team"] == "Referrals to Early Years SEND team"
    assert FIGURES["route_early_help"] == "Referrals to Early Help Assessment"
