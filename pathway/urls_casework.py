"""URLs for triage and casework."""

urlpatterns: list = []
