from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "pathway"
    verbose_name = "Referral pathway"

    def ready(self) -> None:
        # Signal receivers: the guidance cache's invalidation and work after the response.
        from . import after_response, guidance  # noqa: F401

        guidance.connect_page_saves()
