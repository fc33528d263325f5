from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Site content"

    def ready(self):
        # Providers' edit permissions follow their services' organisation (a post_save signal).
        from . import providers  # noqa: F401
