"""URLs for tac."""

urlpatterns: list = []
