"""The local offer's header link (earlyyears.navigation orders it)."""

from __future__ import annotations

from earlyyears.navigation import Link, add_links
from earlyyears.roles import CHILD_ROLES

# Open to everyone: families and staff use the directory without signing in too.
add_links(
    Link(1100, "Local offer", "local-offer", CHILD_ROLES, signed_out=True, section="local-offer")
)
