"""'Signs to look out for', shown beside the wizard's questions, by area of learning and age.

Original plain-English prompts for practitioners; they point to what to observe, never diagnose.
"""

from __future__ import annotations

from earlyyears.needs import EYFSArea
from training.selectors import lesson_for_eyfs_area

SIGNS: dict[str, dict[str, list[str]]] = {
    EYFSArea.COMMUNICATION_AND_LANGUAGE: {
        "under_2": [
            "Does not turn to familiar voices or sounds by around 12 months",
            "Little babbling, pointing or waving by 12 to 15 months",
            "Fewer than a handful of words by 18 months",
        ],
        "2_to_3": [
            "Fewer than 50 words, or not joining two words together, by about 2 and a half",
            "Understands very little of what is said without gestures or routine",
            "Little interest in sharing attention with an adult (looking where you point)",
        ],
        "3_plus": [
            "Speech is hard for familiar adults to understand",
            "Does not follow simple two-part instructions",
            "Repeats phrases without using them to communicate, or talks at others",
        ],
    },
    EYFSArea.PHYSICAL_DEVELOPMENT: {
        "under_2": [
            "Not sitting without support by around 9 months, or not walking by 18 months",
            "Floppy or very stiff limbs, or uses one side of the body much more",
        ],
        "2_to_3": [
            "Frequent falls, trouble with stairs or running",
            "Finds it hard to hold a crayon or spoon, or to use both hands together",
        ],
        "3_plus": [
            "Struggles to climb, jump, pedal or balance compared with peers",
            "Very hard to manage dressing, toileting or eating with growing independence",
        ],
    },
    EYFSArea.PERSONAL_SOCIAL_EMOTIONAL: {
        "under_2": [
            "Little eye contact or shared smiles with familiar adults",
            "Very hard to settle or comfort, or no preference for familiar carers",
        ],
        "2_to_3": [
            "Little interest in other children or in simple pretend play",
            "Distress that lasts a long time when routines change",
        ],
        "3_plus": [
            "Finds it very hard to take turns, share attention or join in play",
            "Intense, repeated interests or movements that get in the way of play",
            "Frequent, long outbursts that the usual support does not help",
        ],
    },
}
GENERAL = [
    "Compare with what most children of the same age do, over several observations",
    "Note what helps and what the child enjoys, as well as what is hard",
    "Talk with the family: what do they see at home?",
]


def age_group(age_months: int | None) -> str:
    if age_months is None or age_months >= 36:
        return "3_plus"
    return "under_2" if age_months < 24 else "2_to_3"


def signs_for(area: str, age_months: int | None) -> list[str]:
    return SIGNS.get(area, {}).get(age_group(age_months), GENERAL)


def training_lesson(area: str) -> dict[str, str] | None:
    """The published training lesson about this area's signs, found by its tag (so a lesson
    renamed or moved in Wagtail still links), for the wizard's guidance."""
    found = lesson_for_eyfs_area(area)
    if found is None:
        return None
    title, url = found
    return {"title": title, "url": url}
