"""The "Financial findings" section of the case dossier (filled in below)."""
from cases.dossier.base import DossierSection, SectionContent


class FinancialFindingsSection(DossierSection):
    key, title, order = "financial-findings", "Financial findings", 520
    template = "analysis/dossier_section.html"
    description = "Money-flow traces with their flow diagram, and confirmed typology alerts with their transactions."

    def collect(self, case, user, period):
        return SectionContent()
