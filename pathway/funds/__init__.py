"""Funding for settings: the SEN inclusion fund, the Disability Access Fund and funds as they
arrive; applications with evidence, decisions, budgets and payments (issue 23)."""
