"""Every read a view, API or task needs, built on the case-scoped querysets."""
import heapq
from datetime import date

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse

from cases.access import Action, member_allows, membership_for
from cases.models import (
    Agency, AuditEvent, Case, CaseMembership, Entity, EntityLink, EvidenceFile, Job, Note, Notification, Task, User,
)
from cases.registry import SummaryCount, TimelineItem, contributions


# --- cases ------------------------------------------------------------------

def case_list(*, user, q="", status="", tag="", action=Action.VIEW):
    qs = Case.objects.visible_to(user, action).select_related("lead_agency").prefetch_related("tags")
    if q:
        qs = qs.filter(Q(reference__icontains=q) | Q(title__icontains=q) | Q(summary__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if tag:
        qs = qs.filter(tags__name=tag.lower())
    return qs.annotate(member_count=Count("memberships", filter=Q(memberships__until__isnull=True))).distinct().order_by(
        "-opened_on", "-id")


def case_get(*, user, reference, action=Action.VIEW) -> Case:
    """The case, or 404 when it does not exist or the user may not `action` in it."""
    return get_object_or_404(Case.objects.visible_to(user, action).select_related("lead_agency"), reference=reference)


def visible(model, *, user, case=None, action=Action.VIEW):
    qs = model.objects.visible_to(user, action)
    return qs.filter(case=case) if case is not None else qs


def record_get(model, *, user, case, pk, action=Action.VIEW):
    return get_object_or_404(visible(model, user=user, case=case, action=action), pk=pk)


def user_actions(*, user, case) -> set[str]:
    membership = membership_for(user, case)
    if membership is None:
        return set()
    return {action for action in Action.values if member_allows(user, membership.role, action)}


def case_tabs(*, user, case):
    allowed = user_actions(user=user, case=case)
    tabs = sorted(contributions().tabs, key=lambda t: t.order)
    return [
        {"label": t.label, "url": reverse(t.url_name, kwargs={"reference": case.reference}), "name": t.url_name}
        for t in tabs if t.action in allowed
    ]


# --- team -----------------------------------------------------------------------

def fiu_grants(*, user, case):
    """The active FIU access grants of a case, for any member (who reads FIU material is not secret
    within the team)."""
    from cases.models import FiuAccessGrant

    if membership_for(user, case) is None:
        return FiuAccessGrant.objects.none()
    return FiuAccessGrant.objects.active().filter(case=case).select_related("user", "granted_by")

def team(*, user, case, include_past=False):
    qs = CaseMembership.objects.visible_to(user).filter(case=case).select_related("user", "user__agency", "added_by")
    if not include_past:
        qs = qs.active()
    return qs.order_by("role", "user__username")


def team_users(*, user, case):
    """The active members of the case as users (e.g. the people a task can be assigned to)."""
    return User.objects.filter(pk__in=team(user=user, case=case).values("user_id"))


def team_agencies(*, user, case):
    return sorted({m.user.agency for m in team(user=user, case=case) if m.user.agency_id}, key=lambda a: a.name)


# --- content ----------------------------------------------------------------------

def entity_list(*, user, case, q="", kind="", role=""):
    qs = visible(Entity, user=user, case=case).prefetch_related("identifiers")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(aliases__icontains=q) | Q(identifiers__value_normalized__icontains=q.upper().replace(" ", ""))).distinct()
    if kind:
        qs = qs.filter(kind=kind)
    if role:
        qs = qs.filter(role_in_case=role)
    return qs


def entity_links(*, user, entity):
    """Links of an entity whose other end the user can also see."""
    visible_ids = visible(Entity, user=user, case=entity.case).values("id")
    return (
        EntityLink.objects.visible_to(user).filter(case=entity.case)
        .filter(Q(source=entity, target_id__in=visible_ids) | Q(target=entity, source_id__in=visible_ids))
        .select_related("source", "target")
    )


def note_list(*, user, case, q=""):
    qs = visible(Note, user=user, case=case).select_related("created_by", "origin_agency")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return qs


def task_list(*, user, case, status="", assignee=None):
    qs = visible(Task, user=user, case=case).select_related("assignee", "created_by")
    if status:
        qs = qs.filter(status=status)
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    return qs


def evidence_list(*, user, case, q="", current_only=True):
    qs = visible(EvidenceFile, user=user, case=case).select_related("created_by")
    if current_only:
        qs = qs.filter(superseded_by__isnull=True)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(original_name__icontains=q) | Q(sha256__istartswith=q.lower()))
    return qs


def evidence_versions(*, user, evidence):
    """All versions of the file that the user may see, newest first."""
    chain = []
    current = evidence
    while current is not None:
        chain.append(current.pk)
        current = current.supersedes
    newer = evidence
    while hasattr(newer, "superseded_by"):
        newer = newer.superseded_by
        chain.append(newer.pk)
    return visible(EvidenceFile, user=user, case=evidence.case).filter(pk__in=chain).order_by("-version")


def job_list(*, user, case):
    return visible(Job, user=user, case=case).select_related("started_by")


def job_get(*, user, pk) -> Job:
    return get_object_or_404(Job.objects.visible_to(user).select_related("case", "started_by"), pk=pk)


def audit_list(*, user, case, action_prefix="", actor=""):
    """The audit trail of a case, for members who manage its team."""
    case_get(user=user, reference=case.reference, action=Action.MANAGE_TEAM)
    qs = AuditEvent.objects.filter(case=case).select_related("actor").order_by("-id")
    if action_prefix:
        qs = qs.filter(action__startswith=action_prefix)
    if actor:
        qs = qs.filter(actor_label=actor)
    return qs


def notifications_for(*, user, unread_only=False):
    qs = Notification.objects.visible_to(user).select_related("case")
    return qs.filter(read_at__isnull=True) if unread_only else qs


# --- timeline and summary -----------------------------------------------------------

def core_timeline(case, user, limit):
    def url(name, **kw):
        return reverse(name, kwargs={"reference": case.reference, **kw})

    for note in note_list(user=user, case=case).order_by("-created_at")[:limit]:
        yield TimelineItem(note.created_at, "Note", note.title or note.body[:80], url("cases:note-detail", pk=note.pk),
                           str(note.created_by), note.body[:200], note.handling)
    for task in visible(Task, user=user, case=case).select_related("created_by").order_by("-created_at")[:limit]:
        yield TimelineItem(task.created_at, "Task", task.title, url("cases:tasks"), str(task.created_by),
                           f"{task.get_status_display()}" + (f", due {task.due_date:%d %b %Y}" if task.due_date else ""),
                           task.handling)
    for ev in visible(EvidenceFile, user=user, case=case).select_related("created_by").order_by("-created_at")[:limit]:
        yield TimelineItem(ev.created_at, "Evidence", f"{ev.title} (v{ev.version})", url("cases:evidence-detail", pk=ev.pk),
                           str(ev.created_by), f"{ev.original_name}, SHA-256 {ev.sha256[:16]}…", ev.handling)
    for ent in visible(Entity, user=user, case=case).select_related("created_by").order_by("-created_at")[:limit]:
        yield TimelineItem(ent.created_at, ent.get_kind_display(), f"{ent.name} added as {ent.get_role_in_case_display().lower()}",
                           url("cases:entity-detail", pk=ent.pk), str(ent.created_by), "", ent.handling)
    for m in team(user=user, case=case, include_past=True).order_by("-since")[:limit]:
        yield TimelineItem(m.since, "Team", f"{m.user} joined as {m.get_role_display().lower()}", url("cases:team"),
                           str(m.added_by or ""))


def timeline(*, user, case, limit=50, kinds=None):
    """Items from every contributing app, newest first, merged."""
    streams = []
    for source in contributions().timeline:
        items = [i for i in source(case, user, limit) if not kinds or i.kind in kinds]
        items.sort(key=lambda i: i.at, reverse=True)
        streams.append(items[:limit])
    merged = heapq.merge(*streams, key=lambda i: i.at, reverse=True)
    return [item for _, item in zip(range(limit), merged)]


def core_summary(case, user):
    def url(name):
        return reverse(name, kwargs={"reference": case.reference})

    yield SummaryCount("Team members", team(user=user, case=case).count(), url("cases:team"))
    yield SummaryCount("Persons", visible(Entity, user=user, case=case).filter(kind=Entity.Kind.PERSON).count(), url("cases:entities"))
    yield SummaryCount("Organisations", visible(Entity, user=user, case=case).filter(kind=Entity.Kind.ORGANISATION).count(), url("cases:entities"))
    yield SummaryCount("Open tasks", visible(Task, user=user, case=case).filter(status__in=["open", "in_progress"]).count(), url("cases:tasks"))
    yield SummaryCount("Evidence files", evidence_list(user=user, case=case).count(), url("cases:evidence"))
    yield SummaryCount("Notes", visible(Note, user=user, case=case).count(), url("cases:notes"))


def case_summary(*, user, case):
    return [count for source in contributions().summary for count in source(case, user)]


# --- statistics for the national focal point -----------------------------------------

def age_group(dob, on=None):
    if not dob:
        return "unknown"
    on = on or date.today()
    age = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    if age < 18:
        return "under 18"
    if age < 25:
        return "18–24"
    if age < 35:
        return "25–34"
    if age < 50:
        return "35–49"
    return "50 and over"


def aggregate_statistics(*, user):
    """Counts only, no record details. Focal points see all cases; others their own."""
    if user.is_focal_point:
        # The focal point's figures count every case and name none of them.
        cases = Case.objects.all()
        entities = Entity.objects.across_cases()
    else:
        cases = Case.objects.visible_to(user)
        entities = Entity.objects.visible_to(user)
    persons = entities.filter(kind=Entity.Kind.PERSON)
    by_sex_age = {}
    for sex, dob in persons.values_list("sex", "date_of_birth"):
        key = (sex or "unknown", age_group(dob))
        by_sex_age[key] = by_sex_age.get(key, 0) + 1
    def labelled(rows, choices):
        labels = dict(choices)
        return {str(labels.get(key, key or "unknown")): n for key, n in rows}

    sex_labels = dict(Entity.Sex.choices)
    return {
        "cases_by_status": labelled(cases.values_list("status").annotate(n=Count("id")).order_by(), Case.Status.choices),
        "cases_by_lead_agency_kind": labelled(cases.values_list("lead_agency__kind").annotate(n=Count("id")).order_by(),
                                              Agency.Kind.choices),
        "persons_by_role": labelled(persons.values_list("role_in_case").annotate(n=Count("id")).order_by(),
                                    Entity.CaseRole.choices),
        "persons_by_sex_and_age": [
            {"sex": str(sex_labels.get(sex, sex)), "age_group": group, "count": n}
            for (sex, group), n in sorted(by_sex_age.items())
        ],
        "scope": "all cases" if user.is_focal_point else "cases you are a member of",
    }
