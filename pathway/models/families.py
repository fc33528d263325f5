"""Families in the pathway: family members, their confirmed links to children, and sign-in
links and codes (issue 21)."""

__all__: list[str] = []
