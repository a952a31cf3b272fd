from django.apps import AppConfig


class SeizuresConfig(AppConfig):
    name = "seizures"
    verbose_name = "Seizures, firearms and tracing"
    default_auto_field = "django.db.models.BigAutoField"
