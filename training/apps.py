from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Provider training"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
