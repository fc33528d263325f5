"""URLs for panels."""

urlpatterns: list = []
