"""URLs for advice."""

urlpatterns: list = []
