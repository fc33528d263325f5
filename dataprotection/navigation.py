"""Data protection's header link (earlyyears.navigation orders it)."""

from __future__ import annotations

from earlyyears.navigation import Link, add_links
from earlyyears.roles import Role

add_links(
    Link(710, "Audit trail", "audit-search", frozenset({Role.SEND_MANAGER}), section="service")
)
