from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    """Money-flow analyses: follow-the-money traces, typology alerts, crypto clustering and taint."""

    name = "finance.analysis"
    label = "analysis"
    verbose_name = "Money-flow analyses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases.registry import CaseTab, contributions

        from . import demo, selectors

        registry = contributions()
        registry.tabs.extend([
            CaseTab("Guns & money", "analysis:overview", order=65),
            CaseTab("Analyses", "analysis:runs", order=72),
        ])
        registry.summary.append(selectors.analysis_summary)
        registry.timeline.append(selectors.analysis_timeline)
        registry.demo_builders.append(demo.build_demo)
        try:
            from cases.dossier.base import register_section

            from .dossier import FinancialFindingsSection
        except ImportError:  # the dossier contract is not there
            return
        register_section(FinancialFindingsSection())
