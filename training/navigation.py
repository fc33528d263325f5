"""Training's header links and landing-page tasks (earlyyears.navigation orders them)."""

from __future__ import annotations

from earlyyears.navigation import LandingTask, Link, add_links, add_tasks
from earlyyears.roles import LEARNER_ROLES, Role

# The catalogue is a Wagtail page (the training index), so it has a path, not a URL name.
TRAINING_URL = "/training/"
PRACTITIONER = frozenset({Role.PRACTITIONER})
TRAINER = frozenset({Role.TRAINER})

add_links(
    Link(1200, "Training", TRAINING_URL, LEARNER_ROLES, section="training"),
    Link(1210, "Training coverage", "training-coverage", TRAINER, section="training"),
)

add_tasks(
    LandingTask(
        140,
        PRACTITIONER,
        "Take training",
        "Learn the signs that a child might have additional needs.",
        TRAINING_URL,
    ),
    LandingTask(
        100,
        TRAINER,
        "Write and publish training",
        "Modules and lessons for early years providers.",
        "wagtailadmin_home",
    ),
    LandingTask(
        110,
        TRAINER,
        "See training coverage",
        "Who has completed which module, by setting and area; download records and "
        "upload face-to-face attendance.",
        "training-coverage",
    ),
    LandingTask(
        210,
        LEARNER_ROLES - PRACTITIONER,
        "Take training",
        "Spotting additional needs, talking with families, and what to do next.",
        TRAINING_URL,
    ),
)
