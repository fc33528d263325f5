"""The EHC timeline for under-fives: requests, assessments, plans, reviews (issue 24)."""

__all__: list[str] = []
