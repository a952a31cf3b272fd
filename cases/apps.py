from django.apps import AppConfig


def _ensure_audit_protection(using, **kwargs):
    """The audit table's append-only triggers survive migrations that rebuild it (SQLite)."""
    from django.db import connections

    from cases import audit_protection

    audit_protection.ensure(connections[using])


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases and joint teams"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cases import signals  # noqa: F401  (Celery job tracking)
        from cases import checks, tokens  # noqa: F401  (deploy checks; sign-out revokes session tokens)
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_audit_protection, sender=self)
        from cases.registry import CaseTab, Contributions
        from cases.selectors import core_summary, core_timeline

        self.contributions = Contributions()
        self.contributions.timeline.append(core_timeline)
        self.contributions.summary.append(core_summary)
        self.contributions.tabs.extend([
            CaseTab("Summary", "cases:detail", order=0),
            CaseTab("Team", "cases:team", order=10),
            CaseTab("People & organisations", "cases:entities", order=20),
            CaseTab("Notes", "cases:notes", order=30),
            CaseTab("Tasks", "cases:tasks", order=40),
            CaseTab("Evidence", "cases:evidence", order=50),
            CaseTab("Timeline", "cases:timeline", order=60),
            CaseTab("Jobs", "cases:jobs", order=90),
            CaseTab("Audit", "cases:audit", action="manage_team", order=99),
        ])
        # Dossier (issue 7): core sections, its Celery task, and the case tab.
        from cases.dossier import tasks as _dossier_tasks  # noqa: F401
        from cases.dossier.sections import register_core_sections

        register_core_sections()
        self.contributions.tabs.append(CaseTab("Dossier", "cases:dossiers", action="export", order=85))
