"""The local offer's header link (earlyyears.navigation orders it)."""

from __future__ import annotations

from earlyyears.navigation import LandingTask, Link, add_links, add_tasks
from earlyyears.roles import CHILD_ROLES, PROVIDER_ROLES

# Open to everyone: families and staff use the directory without signing in too.
add_links(
    Link(
        1100,
        "Local offer",
        "local-offer",
        CHILD_ROLES | PROVIDER_ROLES,
        signed_out=True,
        section="local-offer",
    )
)

# A provider's one task: keeping its own services up to date (cms.providers).
add_tasks(
    LandingTask(
        100,
        PROVIDER_ROLES,
        "Keep your services up to date",
        "Change your organisation's services in the local offer. The council checks each "
        "change before families see it.",
        "wagtailadmin_home",
    ),
)
