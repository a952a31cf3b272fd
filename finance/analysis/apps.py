from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    """Money-flow analyses: follow-the-money traces, typology alerts, crypto clustering and taint."""

    name = "finance.analysis"
    label = "analysis"
    verbose_name = "Money-flow analyses"
    default_auto_field = "django.db.models.BigAutoField"
