"""The vocabulary of needs, in one place, so every app speaks the same words."""

from django.db import models


class EYFSArea(models.TextChoices):
    """Areas of learning and development in the Early Years Foundation Stage."""

    COMMUNICATION_AND_LANGUAGE = "communication_language", "Communication and language"
    PHYSICAL_DEVELOPMENT = "physical", "Physical development"
    PERSONAL_SOCIAL_EMOTIONAL = (
        "personal_social_emotional",
        ("Personal, social and emotional development"),
    )
    LITERACY = "literacy", "Literacy"
    MATHEMATICS = "mathematics", "Mathematics"
    UNDERSTANDING_THE_WORLD = "understanding_world", "Understanding the world"
    EXPRESSIVE_ARTS_AND_DESIGN = "expressive_arts", "Expressive arts and design"


PRIME_AREAS: tuple[EYFSArea, ...] = (
    EYFSArea.COMMUNICATION_AND_LANGUAGE,
    EYFSArea.PHYSICAL_DEVELOPMENT,
    EYFSArea.PERSONAL_SOCIAL_EMOTIONAL,
)
SPECIFIC_AREAS: tuple[EYFSArea, ...] = (
    EYFSArea.LITERACY,
    EYFSArea.MATHEMATICS,
    EYFSArea.UNDERSTANDING_THE_WORLD,
    EYFSArea.EXPRESSIVE_ARTS_AND_DESIGN,
)


class BroadAreaOfNeed(models.TextChoices):
    """The four broad areas of need in the SEND Code of Practice (2015), section 6.28."""

    COMMUNICATION_AND_INTERACTION = "communication_interaction", "Communication and interaction"
    COGNITION_AND_LEARNING = "cognition_learning", "Cognition and learning"
    SOCIAL_EMOTIONAL_MENTAL_HEALTH = "semh", "Social, emotional and mental health"
    SENSORY_AND_PHYSICAL = "sensory_physical", "Sensory and/or physical needs"


class ConcernLevel(models.TextChoices):
    NONE = "none", "No concern"
    EMERGING = "emerging", "Emerging"
    SIGNIFICANT = "significant", "Significant"
    SEVERE = "severe", "Severe"


# The broad area of need an EYFS area most often points to; routing and planning use it as a
# starting point, never as a diagnosis.
EYFS_TO_BROAD_AREA: dict[str, str] = {
    EYFSArea.COMMUNICATION_AND_LANGUAGE: BroadAreaOfNeed.COMMUNICATION_AND_INTERACTION,
    EYFSArea.PHYSICAL_DEVELOPMENT: BroadAreaOfNeed.SENSORY_AND_PHYSICAL,
    EYFSArea.PERSONAL_SOCIAL_EMOTIONAL: BroadAreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH,
    EYFSArea.LITERACY: BroadAreaOfNeed.COGNITION_AND_LEARNING,
    EYFSArea.MATHEMATICS: BroadAreaOfNeed.COGNITION_AND_LEARNING,
    EYFSArea.UNDERSTANDING_THE_WORLD: BroadAreaOfNeed.COGNITION_AND_LEARNING,
    EYFSArea.EXPRESSIVE_ARTS_AND_DESIGN: BroadAreaOfNeed.COGNITION_AND_LEARNING,
}


class AgeBand(models.TextChoices):
    UNDER_2 = "0-1", "Under 2"
    TWO = "2", "2 years"
    THREE = "3", "3 years"
    FOUR_PLUS = "4+", "4 years and over"


def age_band_for_months(months: int) -> AgeBand:
    if months < 24:
        return AgeBand.UNDER_2
    if months < 36:
        return AgeBand.TWO
    if months < 48:
        return AgeBand.THREE
    return AgeBand.FOUR_PLUS
