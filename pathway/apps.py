from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "pathway"
    verbose_name = "Referral pathway"

    def ready(self) -> None:
        # Signal receivers: the guidance cache's invalidation and work after the response.
        from . import after_response, guidance  # noqa: F401
        from .families import receivers as family_texts  # noqa: F401  (texts to families)
        from .family_survey import receivers as survey_stops  # noqa: F401  (STOP ends feedback)
        from .funds import receivers  # noqa: F401  (top-up awards join the funds)

        guidance.connect_page_saves()

        from .caseload.services import register_kinds

        register_kinds()  # the caseload import's resources, with the bulk data engine
