"""Support plans that follow the child, and children at two settings or who move (issue 23)."""

__all__: list[str] = []
