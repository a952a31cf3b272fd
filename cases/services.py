"""Every write to cases, teams and case content.

Each service takes keyword arguments, checks that `by` may do it, validates,
writes in one transaction and records the audit event. Views, serializers,
commands and tasks call these and nothing else to change data.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases import evidence as evidence_store
from cases.access import Action, Handling, Role, across_cases, can, has_fiu_access, user_is_fiu
from cases.audit import AuditAction, audit_read, audit_record, read_action
from cases.models import (
    Agency, Case, CaseMembership, Entity, FiuAccessGrant, EntityIdentifier, EntityLink, EvidenceFile, Job, Note, Notification, Tag, Task,
    User,
)


def require(by, case, action):
    """Defence in depth: views resolve access first; commands and tasks rely on this."""
    if not can(by, case, action):
        raise PermissionDenied(f"{by} may not {action} in case {case.reference}.")


def check_handling(*, by, case, handling):
    if handling == Handling.AGENCY and not by.agency_id:
        raise ValidationError({"handling": "Agency handling needs an author who belongs to an agency."})
    if handling == Handling.FIU and not has_fiu_access(by, case):
        raise ValidationError(
            {"handling": "Only FIU members, and members the FIU granted access, can mark a record as FIU intelligence."}
        )


def _changes(instance, fields):
    return {name: str(getattr(instance, name)) for name in fields}


def _save(instance, exclude=None):
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance


# --- cases and teams ---------------------------------------------------------

@transaction.atomic
def case_open(*, by, title, lead_agency=None, reference="", summary="", tags=(), opened_on=None,
              reference_currency="EUR") -> Case:
    """Open a case; its opener becomes lead investigator of the joint team."""
    if not by.agency_id:
        raise ValidationError("Only members of an agency can open a case; this account belongs to none.")
    lead_agency = lead_agency or by.agency
    reference = (reference or "").strip().upper() or _next_reference(lead_agency)
    if Case.objects.filter(reference=reference).exists():
        raise ValidationError({"reference": f"A case with reference {reference} already exists."})
    case = Case(
        reference=reference, title=title.strip(), lead_agency=lead_agency, summary=summary, created_by=by,
        reference_currency=reference_currency.upper(),
    )
    if opened_on:
        case.opened_on = opened_on
    _save(case)
    _set_tags(case, tags)
    CaseMembership.objects.create(case=case, user=by, role=Role.LEAD, added_by=by)
    audit_record(actor=by, action=AuditAction.CASE_OPEN, obj=case, details={"title": case.title, "lead_agency": lead_agency.name})
    return case


def _next_reference(agency):
    prefix = (agency.short_name or agency.country or "PLX").upper().replace(" ", "")[:10]
    year = timezone.localdate().year
    count = Case.objects.filter(reference__startswith=f"{prefix}-{year}-").count()
    while True:
        count += 1
        candidate = f"{prefix}-{year}-{count:04d}"
        if not Case.objects.filter(reference=candidate).exists():
            return candidate


def _set_tags(case, tags):
    names = sorted({t.strip().lower() for t in tags if t and t.strip()})
    case.tags.set([Tag.objects.get_or_create(name=name[:50])[0] for name in names])


@transaction.atomic
def case_update(*, case, by, title=None, summary=None, tags=None, status=None, reference_currency=None) -> Case:
    require(by, case, Action.CHANGE)
    before = _changes(case, ["title", "summary", "status", "reference_currency"])
    if status is not None and status != case.status:
        require(by, case, Action.MANAGE_TEAM)
        case.status = status
    if title is not None:
        case.title = title.strip()
    if summary is not None:
        case.summary = summary
    if reference_currency is not None:
        case.reference_currency = reference_currency.upper()
    _save(case)
    if tags is not None:
        _set_tags(case, tags)
    after = _changes(case, before.keys())
    audit_record(actor=by, action=AuditAction.CASE_UPDATE, obj=case,
                 details={"changed": {k: [before[k], after[k]] for k in before if before[k] != after[k]}})
    return case


@transaction.atomic
def membership_add(*, case, by, user, role) -> CaseMembership:
    """Invite a user (of any agency) into the joint team with a role."""
    require(by, case, Action.MANAGE_TEAM)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if not user.is_active:
        raise ValidationError({"user": f"{user.username} is not an active account."})
    if CaseMembership.objects.active().filter(case=case, user=user).exists():
        raise ValidationError({"user": f"{user.username} is already a member of this case."})
    membership = CaseMembership.objects.create(case=case, user=user, role=role, added_by=by)
    audit_record(actor=by, action=AuditAction.MEMBERSHIP_ADD, obj=membership, case=case,
                 details={"user": user.username, "role": role, "agency": str(user.agency or "")})
    return membership


@transaction.atomic
def membership_end(*, membership, by) -> CaseMembership:
    case = membership.case
    require(by, case, Action.MANAGE_TEAM)
    if membership.until is not None:
        raise ValidationError("This membership has already ended.")
    if membership.role == Role.LEAD and not CaseMembership.objects.active().filter(
        case=case, role=Role.LEAD
    ).exclude(pk=membership.pk).exists():
        raise ValidationError("A case keeps at least one lead investigator; appoint another lead first.")
    membership.until = timezone.now()
    membership.ended_by = by
    membership.save(update_fields=["until", "ended_by"])
    audit_record(actor=by, action=AuditAction.MEMBERSHIP_END, obj=membership, case=case,
                 details={"user": membership.user.username, "role": membership.role})
    # A grant does not outlive the membership: a later re-invitation starts without FIU access.
    for grant in FiuAccessGrant.objects.active().filter(case=case, user=membership.user):
        _grant_close(grant, by=by, why="membership ended")
    return membership


@transaction.atomic
def fiu_access_grant(*, case, by, user, reason) -> FiuAccessGrant:
    """An FIU member lets a non-FIU member of the case read its unreleased FIU intelligence."""
    require(by, case, Action.RELEASE_FIU)
    if not reason.strip():
        raise ValidationError({"reason": "Say why this member needs the FIU's intelligence."})
    if user_is_fiu(user):
        raise ValidationError({"user": f"{user.username} belongs to an FIU and reads FIU intelligence already."})
    if not CaseMembership.objects.active().filter(case=case, user=user).exists():
        raise ValidationError({"user": f"{user.username} is not a member of this case."})
    if FiuAccessGrant.objects.active().filter(case=case, user=user).exists():
        raise ValidationError({"user": f"{user.username} already has FIU access in this case."})
    grant = FiuAccessGrant.objects.create(case=case, user=user, reason=reason.strip()[:300], granted_by=by)
    audit_record(actor=by, action=AuditAction.FIU_ACCESS_GRANT, obj=grant, case=case,
                 details={"user": user.username, "reason": grant.reason})
    return grant


@transaction.atomic
def fiu_access_revoke(*, grant, by) -> FiuAccessGrant:
    require(by, grant.case, Action.RELEASE_FIU)
    if grant.revoked_at is not None:
        raise ValidationError("This FIU access has already been revoked.")
    return _grant_close(grant, by=by, why="revoked")


def _grant_close(grant, *, by, why):
    grant.revoked_at = timezone.now()
    grant.revoked_by = by
    grant.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(actor=by, action=AuditAction.FIU_ACCESS_REVOKE, obj=grant, case=grant.case,
                 details={"user": grant.user.username, "why": why})
    return grant


# --- persons and organisations ----------------------------------------------

ENTITY_FIELDS = ("kind", "name", "role_in_case", "aliases", "sex", "date_of_birth", "nationality", "country",
                 "description")


@transaction.atomic
def entity_create(*, case, by, kind, name, handling=Handling.TEAM, identifiers=(), **fields) -> Entity:
    require(by, case, Action.ADD)
    check_handling(by=by, case=case, handling=handling)
    unknown = set(fields) - set(ENTITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown entity fields: {sorted(unknown)}")
    fields.setdefault("aliases", [])
    fields["aliases"] = [a.strip() for a in fields["aliases"] if a and a.strip()]
    for code in ("nationality", "country"):
        fields[code] = (fields.get(code) or "").upper()
    entity = _save(Entity(case=case, created_by=by, origin_agency=by.agency, handling=handling, kind=kind,
                          name=name.strip(), **fields))
    for ident in identifiers:
        identifier_add(entity=entity, by=by, **ident)
    audit_record(actor=by, action=AuditAction.ENTITY_CREATE, obj=entity, details={"kind": kind, "handling": handling})
    return entity


@transaction.atomic
def entity_update(*, entity, by, **fields) -> Entity:
    require(by, entity.case, Action.CHANGE)
    unknown = set(fields) - set(ENTITY_FIELDS) - {"handling"}
    if unknown:
        raise TypeError(f"unknown entity fields: {sorted(unknown)}")
    if "handling" in fields:
        check_handling(by=by, case=entity.case, handling=fields["handling"])
    before = _changes(entity, fields)
    for name, value in fields.items():
        if name in ("nationality", "country"):
            value = (value or "").upper()
        setattr(entity, name, value)
    _save(entity)
    after = _changes(entity, fields)
    audit_record(actor=by, action=AuditAction.ENTITY_UPDATE, obj=entity,
                 details={"changed": {k: [before[k], after[k]] for k in fields if before[k] != after[k]}})
    return entity


def normalize_identifier(value):
    return "".join(ch for ch in value.upper() if ch.isalnum())


@transaction.atomic
def identifier_add(*, entity, by, kind, value, country="") -> EntityIdentifier:
    require(by, entity.case, Action.ADD)
    ident = EntityIdentifier(entity=entity, kind=kind, value=value.strip(), country=(country or "").upper(),
                             value_normalized=normalize_identifier(value))
    if not ident.value_normalized:
        raise ValidationError({"value": "An identifier needs at least one letter or digit."})
    _save(ident)
    audit_record(actor=by, action=AuditAction.ENTITY_IDENTIFIER_ADD, obj=entity, details={"kind": kind, "value": ident.value})
    return ident


@transaction.atomic
def link_add(*, case, by, source, target, kind, since=None, until=None, description="") -> EntityLink:
    require(by, case, Action.ADD)
    if source.case_id != case.pk or target.case_id != case.pk:
        raise ValidationError("Both ends of a link must belong to this case.")
    link = _save(EntityLink(case=case, created_by=by, source=source, target=target, kind=kind, since=since,
                            until=until, description=description))
    audit_record(actor=by, action=AuditAction.LINK_ADD, obj=link, details={"source": source.pk, "target": target.pk, "kind": kind})
    return link


# --- notes and tasks ----------------------------------------------------------

@transaction.atomic
def note_add(*, case, by, body, title="", handling=Handling.TEAM) -> Note:
    require(by, case, Action.ADD)
    check_handling(by=by, case=case, handling=handling)
    if not body.strip():
        raise ValidationError({"body": "A note needs some text."})
    note = _save(Note(case=case, created_by=by, origin_agency=by.agency, handling=handling, title=title.strip(),
                      body=body))
    audit_record(actor=by, action=AuditAction.NOTE_ADD, obj=note, details={"handling": handling})
    return note


def _check_assignee(case, assignee):
    if assignee is not None and not CaseMembership.objects.active().filter(case=case, user=assignee).exists():
        raise ValidationError({"assignee": f"{assignee.username} is not a member of this case."})


@transaction.atomic
def task_create(*, case, by, title, description="", assignee=None, due_date=None, handling=Handling.TEAM) -> Task:
    require(by, case, Action.ADD)
    check_handling(by=by, case=case, handling=handling)
    _check_assignee(case, assignee)
    task = _save(Task(case=case, created_by=by, origin_agency=by.agency, handling=handling, title=title.strip(),
                      description=description, assignee=assignee, due_date=due_date))
    audit_record(actor=by, action=AuditAction.TASK_CREATE, obj=task,
                 details={"assignee": assignee.username if assignee else None, "due": str(due_date or "")})
    return task


@transaction.atomic
def task_update(*, task, by, **fields) -> Task:
    """Change a task; its assignee may always update its status."""
    allowed = {"title", "description", "assignee", "due_date", "status"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown task fields: {sorted(unknown)}")
    only_status = set(fields) <= {"status"}
    if not (only_status and task.assignee_id == by.pk and can(by, task.case, Action.VIEW)):
        require(by, task.case, Action.CHANGE)
    if "assignee" in fields:
        _check_assignee(task.case, fields["assignee"])
    before = _changes(task, fields)
    for name, value in fields.items():
        setattr(task, name, value)
    if task.status == Task.Status.DONE and task.completed_at is None:
        task.completed_at = timezone.now()
    elif task.status != Task.Status.DONE:
        task.completed_at = None
    _save(task)
    after = _changes(task, fields)
    audit_record(actor=by, action=AuditAction.TASK_UPDATE, obj=task,
                 details={"changed": {k: [before[k], after[k]] for k in fields if before[k] != after[k]}})
    return task


@transaction.atomic
def record_delete(*, record, by):
    """Delete a note, task or link (lead only). The audit event keeps what it said."""
    if not isinstance(record, (Note, Task, EntityLink)):
        raise ValidationError("Only notes, tasks and links can be deleted; other records are corrected or superseded.")
    require(by, record.case, Action.DELETE)
    snapshot = {f.name: str(getattr(record, f.name)) for f in record._meta.concrete_fields}
    audit_record(actor=by, action=f"{record._meta.model_name}.delete", obj=record, details={"snapshot": snapshot})
    record.delete()


def unreleased_sources(*, record, sources) -> list[str]:
    """The labels of the unreleased FIU intelligence among `sources` (other than `record` itself) that
    a release of `record` would make readable too. Only FIU members release, and they may read them."""
    from django.apps import apps

    own = (record._meta.label, record.pk)
    labels = []
    for label, pk in dict.fromkeys(Handling.strictest(sources).unreleased_fiu):
        if (label, pk) == own:
            continue
        model = apps.get_model(label)
        found = across_cases(model._default_manager.all()).filter(pk=pk).first()
        labels.append(f"{model._meta.verbose_name} “{found}”" if found is not None else f"{label} #{pk}")
    return labels


@transaction.atomic
def record_release_fiu(*, record, by, reason, sources=(), confirm_sources=False):
    """Release FIU intelligence for use by the whole team and in evidence.

    A record made from other records (an analysis run from imports, …) names its `sources`: if some
    of them are unreleased FIU intelligence, the release would disclose their details too, so it says
    so and names them, and proceeds only when the releaser confirms (`confirm_sources`)."""
    require(by, record.case, Action.RELEASE_FIU)
    if not getattr(record, "HAS_HANDLING", False) or record.handling != Handling.FIU:
        raise ValidationError("Only records handled as FIU intelligence can be released.")
    if record.fiu_released_at is not None:
        raise ValidationError("This record has already been released.")
    if not reason.strip():
        raise ValidationError({"reason": "Say on what basis the FIU consents to the release."})
    pending = unreleased_sources(record=record, sources=sources)
    if pending and not confirm_sources:
        raise ValidationError({"confirm_sources": (
            "This rests on FIU intelligence that is not released, whose details the release discloses: "
            + "; ".join(pending) + ". Confirm that the FIU consents to disclosing them as well.")})
    record.fiu_released_at = timezone.now()
    record.fiu_released_by = by
    record.save(update_fields=["fiu_released_at", "fiu_released_by"])
    details = {"reason": reason}
    if pending:
        details["unreleased_sources"] = pending
    audit_record(actor=by, action=AuditAction.FIU_RELEASE, obj=record, details=details)
    return record


def record_viewed(*, record, by, action="view"):
    """Audit that `by` looked at (or downloaded, or exported) a case record (see `audit_read`)."""
    audit_read(record=record, by=by, action=read_action(record, action))


# --- evidence files -------------------------------------------------------------

def evidence_upload(*, case, by, upload, title="", description="", handling=Handling.TEAM, source="",
                    supersedes=None) -> EvidenceFile:
    """Store an evidence file, hashed at upload. A new version of a file is a
    new record that points at the one it supersedes; nothing is overwritten."""
    require(by, case, Action.ADD)
    check_handling(by=by, case=case, handling=handling)
    if supersedes is not None:
        if supersedes.case_id != case.pk:
            from cases.records import not_found_error

            raise not_found_error("supersedes", supersedes.pk)
        if not supersedes.is_current:
            raise ValidationError("Only the current version of a file can be superseded.")
    stored = evidence_store.store_upload(upload, case_reference=case.reference)
    try:
        with transaction.atomic():
            evidence = EvidenceFile(
                case=case, created_by=by, origin_agency=by.agency, handling=handling,
                title=(title or upload.name or "Untitled")[:200], description=description,
                original_name=(upload.name or "upload")[:255],
                content_type=evidence_store.KINDS[stored.kind].mime, size=stored.size, sha256=stored.sha256,
                storage_name=stored.storage_name, source=source, supersedes=supersedes,
                version=(supersedes.version + 1) if supersedes else 1,
            )
            _save(evidence)
            audit_record(actor=by, action=AuditAction.EVIDENCE_UPLOAD, obj=evidence,
                         details={"sha256": stored.sha256, "size": stored.size, "type": evidence.content_type,
                                  "supersedes": supersedes.pk if supersedes else None})
    except BaseException:
        evidence_store.remove_stored(stored.storage_name)
        raise
    return evidence


def evidence_verify_all(*, case, by, progress) -> dict:
    """Recompute the SHA-256 of every evidence file of the case and report mismatches."""
    files = list(EvidenceFile.objects.filter(case=case).order_by("id").values(
        "id", "title", "original_name", "sha256", "storage_name"))
    total = len(files)
    progress(0, total, f"Checking {total} files")
    problems = []
    for index, item in enumerate(files, start=1):
        actual = evidence_store.sha256_of(item["storage_name"])
        if actual is None:
            problems.append({"id": item["id"], "title": item["title"], "problem": "missing",
                             "expected": item["sha256"], "actual": None})
        elif actual != item["sha256"]:
            problems.append({"id": item["id"], "title": item["title"], "problem": "hash mismatch",
                             "expected": item["sha256"], "actual": actual})
        progress(index, total, f"Checked {index} of {total}: {item['original_name']}")
    summary = {"checked": total, "ok": total - len(problems), "problems": problems}
    audit_record(actor=by, action=AuditAction.EVIDENCE_VERIFY, obj=case, case=case,
                 details={"checked": total, "problems": len(problems)})
    return {"summary": summary}


def evidence_verify_start(*, case, by) -> Job:
    from cases.jobs import job_start
    from cases.tasks import evidence_verify_task

    require(by, case, Action.ADD)  # a job is a write: observers start none
    return job_start(case=case, by=by, kind="evidence.verify", task=evidence_verify_task, queue="documents",
                     params={"case": case.reference})


# --- notifications ---------------------------------------------------------------

def notify(*, recipient, message, dedupe_key, case=None, url="", sources=()) -> Notification | None:
    """Send a notification once per (recipient, reason); returns None if already sent, or if the
    recipient may not see what it speaks of.

    `sources` are the records (or `DerivedHandling` values) the message is made from: the
    notification takes their strictest handling, goes only to a recipient who may see that
    handling, and is shown only while he is a member of `case` and still may see it
    (`Notification.objects.visible_to`)."""
    from cases.access import DerivedHandling

    sources = [s for s in sources if s is not None]
    derived = Handling.strictest(sources)
    if case is not None and not derived.visible_to(recipient, case):
        return None
    refs = [[s._meta.label, s.pk] for s in sources if not isinstance(s, DerivedHandling)]
    notification, created = Notification.objects.get_or_create(
        recipient=recipient, dedupe_key=dedupe_key[:200],
        defaults={"case": case, "message": message[:500], "url": url[:300], "handling": derived.handling,
                  "origin_agency_id": derived.origin_agency_id, "sources": refs},
    )
    return notification if created else None


def notification_mark_read(*, notification, by):
    if notification.recipient_id != by.pk:
        raise PermissionDenied("Not your notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def tasks_overdue_notify(*, today=None) -> int:
    """Daily check: tell each assignee about their overdue open tasks, once per task and due date."""
    from django.urls import reverse

    today = today or timezone.localdate()
    sent = 0
    overdue = Task.objects.across_cases().filter(  # the daily check spans every case
        due_date__lt=today, status__in=[Task.Status.OPEN, Task.Status.IN_PROGRESS], assignee__isnull=False
    ).select_related("case", "assignee")
    for task in overdue:
        if notify(recipient=task.assignee, case=task.case, sources=[task],
                  message=f"{task.case.reference}: task “{task.title}” was due on {task.due_date:%d %b %Y}.",
                  url=reverse("cases:tasks", kwargs={"reference": task.case.reference}),
                  dedupe_key=f"task-overdue:{task.pk}:{task.due_date.isoformat()}"):
            sent += 1
    return sent


# --- accounts (administration) ------------------------------------------------------

@transaction.atomic
def user_create(*, username, password, agency=None, first_name="", last_name="", email="", global_role="",
                title="", by=None, is_staff=False, is_superuser=False) -> User:
    user = User(username=username, agency=agency, first_name=first_name, last_name=last_name, email=email,
                global_role=global_role, title=title, is_staff=is_staff, is_superuser=is_superuser)
    user.set_password(password)
    _save(user, exclude=["password"])
    audit_record(actor=by, action=AuditAction.USER_CREATE, obj=user, details={"agency": str(agency or ""), "global_role": global_role})
    return user


@transaction.atomic
def agency_create(*, name, country, kind, short_name="", by=None) -> Agency:
    agency = _save(Agency(name=name, country=country.upper(), kind=kind, short_name=short_name))
    audit_record(actor=by, action=AuditAction.AGENCY_CREATE, obj=agency)
    return agency

