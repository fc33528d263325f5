"""URLs for portage."""

urlpatterns: list = []
