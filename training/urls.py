"""URLs of the training app's own (non-Wagtail) pages."""

urlpatterns: list = []
