"""URLs of the cms app's own (non-Wagtail) pages."""

urlpatterns: list = []
