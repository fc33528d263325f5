from django.apps import AppConfig


class EarlyYearsConfig(AppConfig):
    name = "earlyyears"
    verbose_name = "People and places"

    def ready(self) -> None:
        from . import navigation
        from .bulk import resources  # noqa: F401 - registers the bulk data resources with the engine
        from .exports import neutralise_wagtail_exports

        neutralise_wagtail_exports()
        navigation.discover()
        from .access_review import signals

        signals.connect()  # an account switched off anywhere is signed out at once
