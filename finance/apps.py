from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = "Financial investigation"
    default_auto_field = "django.db.models.BigAutoField"
