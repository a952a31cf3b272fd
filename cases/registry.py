"""Contributions from other apps to a case's pages and documents.

`cases` imports neither `seizures` nor `finance`. Those apps add their
timeline items, summary counts, case tabs and dossier sections here from their
`AppConfig.ready()`:

    from django.apps import apps
    apps.get_app_config("cases").contributions.timeline.append(my_timeline_items)
"""
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str  # short label: "Note", "Seizure", "Import" ...
    title: str
    url: str = ""
    actor: str = ""
    detail: str = ""
    handling: str = "team"


@dataclass(frozen=True)
class SummaryCount:
    label: str
    count: int
    url: str = ""


@dataclass(frozen=True)
class CaseTab:
    label: str
    url_name: str  # reversed with kwargs={"reference": case.reference}
    action: str = "view"
    order: int = 100


@dataclass
class Contributions:
    # (case, user, limit) -> iterable of TimelineItem, newest first, at most `limit`
    timeline: list[Callable[..., Iterable[TimelineItem]]] = field(default_factory=list)
    # (case, user) -> iterable of SummaryCount
    summary: list[Callable[..., Iterable[SummaryCount]]] = field(default_factory=list)
    tabs: list[CaseTab] = field(default_factory=list)
    # (label, url name) of pages outside a case, shown in the top navigation
    global_nav: list[tuple[str, str]] = field(default_factory=list)
    # dossier sections: filled by the dossier issue
    dossier_sections: list = field(default_factory=list)
    # (case_demo: DemoContext) -> None; `load_demo` calls them in order after the core demo data
    demo_builders: list[Callable[..., None]] = field(default_factory=list)


def contributions() -> Contributions:
    from django.apps import apps

    return apps.get_app_config("cases").contributions
