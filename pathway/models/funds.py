"""Funding for settings: fund types, applications, budgets and payments (issue 23)."""

__all__: list[str] = []
