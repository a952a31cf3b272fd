from django.apps import AppConfig


class SeizuresConfig(AppConfig):
    name = "seizures"
    verbose_name = "Seizures, firearms and tracing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings

        from cases.registry import CaseTab, contributions
        from seizures.demo import seizures_demo
        from seizures.timeline import seizures_summary, seizures_timeline

        registry = contributions()
        registry.timeline.append(seizures_timeline)
        registry.summary.append(seizures_summary)
        registry.tabs.extend([
            CaseTab("Seizures", "seizures:list", order=22),
            CaseTab("Firearms", "seizures:firearms", order=23),
            CaseTab("Tracing", "seizures:tracing", order=24),
            CaseTab("Transfer documents", "seizures:documents", order=25),
        ])
        registry.global_nav.append(("Seizure statistics", "seizures-global:figures"))
        registry.demo_builders.append(seizures_demo)
        from seizures.dossier import register_dossier_sections

        register_dossier_sections()  # dossier sections: seizures, tracing, chain of custody
        # The daily overdue check of tracing requests (config.settings owns the schedule; add ours if absent).
        schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None)
        if isinstance(schedule, dict):
            schedule.setdefault("seizures-tracing-due-check",
                                {"task": "seizures.tasks.tracing_due_check", "schedule": 24 * 3600})
