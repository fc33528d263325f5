from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "dataprotection"
    verbose_name = "Data protection"

    def ready(self) -> None:
        from . import account_audit

        account_audit.connect()
