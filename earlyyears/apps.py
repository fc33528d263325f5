from django.apps import AppConfig


class EarlyYearsConfig(AppConfig):
    name = "earlyyears"
    verbose_name = "People and places"

    def ready(self) -> None:
        from .exports import neutralise_wagtail_exports

        neutralise_wagtail_exports()
