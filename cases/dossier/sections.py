"""The dossier's core sections: summary, team, persons and organisations,
chronology and exhibit index. Cover, contents and appendix are parts of the
document itself (see render.py). Other apps register theirs the same way.
"""
from collections import Counter, OrderedDict
from datetime import date, datetime

from django.utils import timezone

from cases import selectors
from cases.access import Action
from cases.dossier.base import (
    ChronologyEntry, DossierSection, SectionContent, dossier_records, record_ref,
)
from cases.dossier.charts import bar_chart, svg_data_uri
from cases.models import CaseMembership, Entity, EntityLink, EvidenceFile, Note, Task


def _sort_key(entry):
    at = entry.at
    if isinstance(at, datetime):
        return timezone.localtime(at) if timezone.is_aware(at) else at
    return datetime.combine(at, datetime.min.time()).replace(tzinfo=timezone.get_current_timezone())


class SummarySection(DossierSection):
    key, title, order = "summary", "Case summary and status", 100
    template = "dossier/sections/summary.html"
    description = "What the case is, its status, and what this dossier contains."
    uses_period = False

    def collect(self, case, user, period):
        data = {
            "case": case,
            "tags": [t.name for t in case.tags.all()],
            "lead_agency": case.lead_agency,
            "agencies": selectors.team_agencies(user=user, case=case),
        }
        return SectionContent(data=data, records=[record_ref(case)])

    def finish(self, content, collected):
        """Add the table of what the dossier holds and activity by month, once all sections are in."""
        content.data["contents"] = [
            (section.title, other.count) for section, other in collected
            if section.key != self.key and other.count is not None
        ]
        chronology = next((other for section, other in collected if section.key == "chronology"), None)
        if chronology and chronology.data.get("entries"):
            months = Counter()
            for entry in chronology.data["entries"]:
                at = _sort_key(entry)
                months[(at.year, at.month)] += 1
            keys = sorted(months)
            series, (y, m) = [], keys[0]
            while (y, m) <= keys[-1] and len(series) < 36:
                series.append((date(y, m, 1).strftime("%b %y"), months.get((y, m), 0)))
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            content.data["activity_chart"] = svg_data_uri(
                bar_chart(series, width=620, height=170, title="Recorded events per month (chronology)"))


class TeamSection(DossierSection):
    key, title, order = "team", "Joint investigation team", 200
    template = "dossier/sections/team.html"
    description = "Participating agencies and the members' roles, past and present."
    uses_period = False

    def collect(self, case, user, period):
        members = list(
            CaseMembership.objects.visible_to(user, Action.EXPORT).filter(case=case)
            .select_related("user", "user__agency").order_by("user__agency__name", "role", "since")
        )
        agencies = OrderedDict()
        for m in members:
            agency = m.user.agency
            key = agency.pk if agency else 0
            agencies.setdefault(key, {"agency": agency, "members": []})["members"].append(m)
        records = [record_ref(m, version=m.since.isoformat()) for m in members]
        return SectionContent(data={"agencies": list(agencies.values())}, records=records, count=len(members))


class PersonsSection(DossierSection):
    key, title, order = "persons", "Persons and organisations", 300
    template = "dossier/sections/persons.html"
    description = "Persons and organisations with their role in the case, identifiers and links."
    uses_period = False

    def collect(self, case, user, period):
        entities = list(dossier_records(Entity, case=case, user=user).prefetch_related("identifiers")
                        .order_by("kind", "name"))
        ids = {e.pk for e in entities}
        links = list(
            dossier_records(EntityLink, case=case, user=user)
            .filter(source_id__in=ids, target_id__in=ids).select_related("source", "target")
            .order_by("source__name", "kind", "target__name")
        )
        by_entity = {e.pk: [] for e in entities}
        for link in links:
            by_entity[link.source_id].append(("→", link, link.target))
            by_entity[link.target_id].append(("←", link, link.source))
        rows = [{"entity": e, "identifiers": list(e.identifiers.all()), "links": by_entity[e.pk]} for e in entities]
        records = [record_ref(e) for e in entities] + [record_ref(link) for link in links]
        return SectionContent(
            data={"persons": [r for r in rows if r["entity"].kind == Entity.Kind.PERSON],
                  "organisations": [r for r in rows if r["entity"].kind == Entity.Kind.ORGANISATION],
                  "links": links},
            records=records, count=len(entities),
        )


class ChronologySection(DossierSection):
    key, title, order = "chronology", "Chronology", 350
    template = "dossier/sections/chronology.html"
    description = "The case's events in date order: notes, tasks, persons added, team changes, evidence, and events of other sections."

    def collect(self, case, user, period):
        entries, records = [], []
        entries.append(ChronologyEntry(
            case.opened_on, "Case", f"Case {case.reference} opened", f"Lead agency {case.lead_agency.name}"))
        for note in period.filter(dossier_records(Note, case=case, user=user).select_related("created_by"), "created_at"):
            entries.append(ChronologyEntry(note.created_at, "Note", note.title or "Note", note.body,
                                           str(note.created_by), note.handling))
            records.append(record_ref(note))
        for task in period.filter(dossier_records(Task, case=case, user=user).select_related("created_by", "assignee"), "created_at"):
            detail = task.get_status_display()
            if task.assignee_id:
                detail += f"; assigned to {task.assignee}"
            if task.due_date:
                detail += f"; due {task.due_date:%d %b %Y}"
            entries.append(ChronologyEntry(task.created_at, "Task", task.title, detail, str(task.created_by), task.handling))
            records.append(record_ref(task))
        for ent in period.filter(dossier_records(Entity, case=case, user=user).select_related("created_by"), "created_at"):
            entries.append(ChronologyEntry(ent.created_at, ent.get_kind_display(),
                                           f"{ent.name} recorded as {ent.get_role_in_case_display().lower()}",
                                           "", str(ent.created_by), ent.handling))
        for ev in period.filter(dossier_records(EvidenceFile, case=case, user=user).select_related("created_by"), "created_at"):
            entries.append(ChronologyEntry(ev.created_at, "Exhibit", f"EX-{ev.pk} {ev.title} (version {ev.version})",
                                           f"{ev.original_name}, SHA-256 {ev.sha256}", str(ev.created_by), ev.handling))
        members = CaseMembership.objects.visible_to(user, Action.EXPORT).filter(case=case).select_related("user", "added_by")
        for m in members:
            if period.contains(m.since):
                entries.append(ChronologyEntry(m.since, "Team", f"{m.user} joined as {m.get_role_display().lower()}",
                                               "", str(m.added_by or "")))
            if m.until and period.contains(m.until):
                entries.append(ChronologyEntry(m.until, "Team", f"{m.user} left the team", ""))
        entries = [e for e in entries if period.contains(e.at)]
        return SectionContent(data={"entries": entries}, records=records, chronology=[], count=len(entries))

    def finish(self, content, collected):
        """Merge the chronology entries of every other section, in date order."""
        for section, other in collected:
            if section.key != self.key:
                content.data["entries"].extend(other.chronology)
        content.data["entries"].sort(key=_sort_key)
        content.count = len(content.data["entries"])


class ExhibitsSection(DossierSection):
    key, title, order = "exhibits", "Exhibit index", 900
    template = "dossier/sections/exhibits.html"
    description = "Every evidence file with its type, size, SHA-256 fingerprint and who uploaded it when."
    uses_period = False

    def collect(self, case, user, period):
        files = list(dossier_records(EvidenceFile, case=case, user=user)
                     .select_related("created_by", "created_by__agency", "supersedes").order_by("created_at", "id"))
        return SectionContent(
            data={"exhibits": files, "total_size": sum(f.size for f in files)},
            records=[record_ref(f, sha256=f.sha256) for f in files], count=len(files),
        )


CORE_SECTIONS = (SummarySection, TeamSection, PersonsSection, ChronologySection, ExhibitsSection)


def register_core_sections():
    from cases.dossier.base import register_section, registered_sections

    present = {s.key for s in registered_sections()}
    for cls in CORE_SECTIONS:
        if cls.key not in present:
            register_section(cls())
