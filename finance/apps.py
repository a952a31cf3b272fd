from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = "Financial investigation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases.registry import CaseTab, contributions
        from finance import demo, selectors

        registry = contributions()
        registry.tabs.extend([
            CaseTab("Ledger", "finance:ledger", order=70),
            CaseTab("Imports", "finance:imports", order=71),
        ])
        registry.timeline.append(selectors.finance_timeline)
        registry.summary.append(selectors.finance_summary)
        registry.demo_builders.append(demo.build_demo)
