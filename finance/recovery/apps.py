from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    """Asset recovery: assets, freeze/seizure/confiscation measures, deadlines, cooperation."""

    name = "finance.recovery"
    label = "recovery"
    verbose_name = "Asset recovery"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases.registry import CaseTab, contributions

        from . import contributions as contrib
        from . import tasks  # noqa: F401  (registers the beat task)
        from .demo import recovery_demo

        registry = contributions()
        registry.timeline.append(contrib.recovery_timeline)
        registry.summary.append(contrib.recovery_summary)
        registry.tabs.append(CaseTab("Assets", "recovery:list", order=75))
        registry.global_nav.append(("Asset deadlines", "recovery-global:deadlines"))
        registry.demo_builders.append(recovery_demo)
        try:
            from cases.dossier.base import register_section
        except ImportError:  # dossier contract not present
            return
        from .dossier import AssetsSection

        register_section(AssetsSection())
