"""The contract between the dossier and the apps that contribute sections to it.

An app adds its sections from its `AppConfig.ready()`, without importing
anything of the dossier's machinery but this module:

    from cases.dossier.base import DossierSection, register_section

    class SeizuresSection(DossierSection):
        key, title, order = "seizures", "Seizures and firearms", 400
        template = "dossier/sections/seizures.html"   # in the app's templates/dossier/...

        def applies(self, case):
            return Seizure.objects.filter(case=case).exists()

        def collect(self, case, user, period):
            qs = dossier_records(Seizure, case=case, user=user)   # scoped + fiu rule
            qs = period.filter(qs, "seized_at")
            items = list(qs)
            return SectionContent(data={"seizures": items}, records=[record_ref(s) for s in items])

    register_section(SeizuresSection())

Rules a section follows:
- read through `dossier_records` (or the app's selectors on top of the case-scoped
  queryset, then `.exclude(**unreleased_fiu())`): what the user may not see, and
  FIU intelligence not released for evidential use, is left out, never hidden;
- list every record it prints in `records` (the manifest holds them with versions);
- put time-stamped facts it wants in the chronology in `chronology`;
- never write (the render service writes the dossier and its audit events).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from cases.access import Action, Handling


@dataclass(frozen=True)
class Period:
    """The period a dossier covers; either end may be open."""

    start: date | None = None
    end: date | None = None

    @property
    def is_open(self):
        return self.start is None and self.end is None

    def _bounds(self):
        tz = timezone.get_current_timezone()
        lo = timezone.make_aware(datetime.combine(self.start, time.min), tz) if self.start else None
        hi = timezone.make_aware(datetime.combine(self.end, time.max), tz) if self.end else None
        return lo, hi

    def filter(self, queryset, field_name: str, is_date: bool = False):
        """Narrow a queryset to the period on a DateTimeField (or DateField with is_date=True)."""
        if is_date:
            if self.start:
                queryset = queryset.filter(**{f"{field_name}__gte": self.start})
            if self.end:
                queryset = queryset.filter(**{f"{field_name}__lte": self.end})
            return queryset
        lo, hi = self._bounds()
        if lo:
            queryset = queryset.filter(**{f"{field_name}__gte": lo})
        if hi:
            queryset = queryset.filter(**{f"{field_name}__lte": hi})
        return queryset

    def contains(self, value) -> bool:
        if value is None:
            return self.is_open
        if isinstance(value, datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        return (self.start is None or value >= self.start) and (self.end is None or value <= self.end)

    def label(self):
        if self.is_open:
            return "whole case"
        start = self.start.strftime("%d %b %Y") if self.start else "opening of the case"
        end = self.end.strftime("%d %b %Y") if self.end else "date of generation"
        return f"{start} – {end}"


@dataclass(frozen=True)
class ChronologyEntry:
    at: datetime | date
    kind: str
    title: str
    detail: str = ""
    actor: str = ""
    handling: str = Handling.TEAM


@dataclass
class SectionContent:
    """What a section's `collect` returns.

    data: the template context of the section (anything the template needs);
    records: `record_ref(...)` of every record printed (for the manifest);
    chronology: entries for the case chronology section;
    count: how many items the section lists (shown in the summary's table).
    """

    data: dict[str, Any] = field(default_factory=dict)
    records: list[dict] = field(default_factory=list)
    chronology: list[ChronologyEntry] = field(default_factory=list)
    count: int | None = None
    empty_message: str = "Nothing to report for this section in the selected period."


class DossierSection:
    """A part of the dossier. Subclass, set the class attributes, implement `collect`."""

    key: str = ""
    title: str = ""
    order: int = 500
    template: str = ""
    description: str = ""  # one line shown in the export form
    selectable: bool = True  # False for parts always present (cover, contents, appendix)
    uses_period: bool = True  # the period narrows what this section lists

    def applies(self, case) -> bool:
        """Whether the section can be offered for this case (e.g. the case has seizures)."""
        return True

    def collect(self, case, user, period: Period) -> SectionContent:
        raise NotImplementedError

    def finish(self, content: SectionContent, collected: list) -> None:
        """Optional: adjust `content` once every selected section is collected
        (`collected` is a list of (section, SectionContent)). Summary and chronology use it."""

    # Optional hooks for `tests/benchmarks/bench_dossier.py` and demos: build a lot of
    # this section's data in `case` by `user` (through the app's services).
    def bench_build(self, case, user, scale: dict) -> dict:
        """Build this section's share of the benchmark case through the app's services.

        `scale` holds the target counts ("firearms": 500, "custody_events": 2000,
        "tracing_requests": 50, "transactions": 100_000, "assets": 200, ...) and
        "users" (lead, investigator, analyst, prosecutor) and "agencies". Return
        {"what": count} of what was built (the benchmark reports what is missing);
        the default builds nothing."""
        return {}

    def __repr__(self):
        return f"<DossierSection {self.key}>"


def register_section(section: DossierSection):
    """Add a section to the dossier registry (call from AppConfig.ready())."""
    from cases.registry import contributions

    registry = contributions().dossier_sections
    if not section.key or not section.title or not section.template:
        raise ValueError(f"{section!r}: a dossier section needs a key, a title and a template.")
    if any(existing.key == section.key for existing in registry):
        raise ValueError(f"A dossier section with key {section.key!r} is already registered.")
    registry.append(section)
    return section


def registered_sections() -> list[DossierSection]:
    from cases.registry import contributions

    return sorted(contributions().dossier_sections, key=lambda s: (s.order, s.key))


# --- reading for a dossier ------------------------------------------------------------

def unreleased_fiu(prefix: str = "") -> dict:
    """Filter kwargs that select FIU intelligence not yet released (to `.exclude()` them)."""
    p = f"{prefix}__" if prefix else ""
    return {f"{p}handling": Handling.FIU, f"{p}fiu_released_at__isnull": True}


def dossier_records(model, *, case, user, handled_via: str = ""):
    """The case's records of `model` that may go into `user`'s dossier.

    Scoped by the user's access to export from the case (what the user may not
    see is not there), and without unreleased FIU intelligence even when the
    user may see it. `handled_via` names the path to the record carrying the
    handling code for child rows without their own (e.g. "seizure").
    """
    qs = model.objects.visible_to(user, Action.EXPORT).filter(case=case)
    if getattr(model, "HAS_HANDLING", False):
        qs = qs.exclude(**unreleased_fiu())
    if handled_via:
        qs = qs.exclude(**unreleased_fiu(handled_via))
    return qs


def record_version(obj) -> str:
    """A record's version for the manifest: its version number if it has one,
    else the time it was last changed."""
    version = getattr(obj, "version", None)
    if isinstance(version, int):
        return str(version)
    for name in ("updated_at", "created_at"):
        value = getattr(obj, name, None)
        if value is not None:
            return value.isoformat()
    return "1"


def record_ref(obj, **extra) -> dict:
    """The manifest entry of one printed record."""
    ref = {"type": obj._meta.label, "id": obj.pk, "version": record_version(obj)}
    handling = getattr(obj, "handling", None)
    if handling:
        ref["handling"] = handling
        if handling == Handling.AGENCY and getattr(obj, "origin_agency_id", None):
            ref["agency"] = obj.origin_agency_id
    ref.update(extra)
    return ref
