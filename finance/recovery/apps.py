from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    """Asset recovery: assets, freeze/seizure/confiscation measures, deadlines, cooperation."""

    name = "finance.recovery"
    label = "recovery"
    verbose_name = "Asset recovery"
    default_auto_field = "django.db.models.BigAutoField"
