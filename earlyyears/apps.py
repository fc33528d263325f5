from django.apps import AppConfig


class EarlyYearsConfig(AppConfig):
    name = "earlyyears"
    verbose_name = "People and places"
