"""URLs for early_help."""

urlpatterns: list = []
