"""The case audit trail: events belong to their case, speak a closed vocabulary, record every read
of case content, and show a viewer only what he may see of the records they are about."""
import ast
import importlib
from pathlib import Path

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import reverse

from cases import services
from cases.access import Handling
from cases.audit import RESTRICTED_LABEL, AuditAction, audit_read, audit_record
from cases.models import AuditEvent
from tests.authz import SUCCESS
from tests.conftest import TEAM

ROOT = Path(__file__).resolve().parents[2]


# --- attribution ------------------------------------------------------------------------

@pytest.mark.django_db
def test_case_events_belong_to_their_case(world, login):
    case, lead = world.case, world.users["lead"]
    opened = AuditEvent.objects.get(action="case.open", object_id=str(case.pk))
    assert opened.case_id == case.pk
    services.case_update(case=case, by=lead, summary="Now with a trailer.")
    assert AuditEvent.objects.filter(action="case.update", case=case).exists()
    login(lead).get(reverse("cases:detail", kwargs={"reference": case.reference}))
    viewed = AuditEvent.objects.filter(action="case.view", actor=lead).last()
    assert viewed is not None and viewed.case_id == case.pk
    trail = login(lead).get(reverse("cases:audit", kwargs={"reference": case.reference})).content.decode()
    assert "case.open" in trail and "case.update" in trail and "case.view" in trail


# --- vocabulary --------------------------------------------------------------------------

@pytest.mark.django_db
def test_an_action_outside_the_vocabulary_is_refused(world):
    with pytest.raises(ValueError):
        audit_record(actor=world.users["lead"], action="note.peek", obj=world.case)
    with pytest.raises(ValueError):
        audit_read(record=world.case, by=world.users["lead"], action="case.glance")
    assert audit_record(actor=world.users["lead"], action=AuditAction.CASE_VIEW, obj=world.case).action == "case.view"


def _literal_actions():
    """Every action written as a literal or as an `AuditAction` member in an audit_record/audit_read call."""
    found = []
    for app in ("cases", "seizures", "finance"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in
                        ("audit_record", "audit_read")):
                    continue
                for kw in node.keywords:
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    if kw.arg != "action":
                        continue
                    if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                        found.append((where, kw.value.value))
                    elif (isinstance(kw.value, ast.Attribute) and isinstance(kw.value.value, ast.Name)
                          and kw.value.value.id == "AuditAction"):
                        member = getattr(AuditAction, kw.value.attr, None)
                        found.append((where, member.value if member is not None else f"AuditAction.{kw.value.attr}"))
    return found


def test_every_literal_action_in_the_code_is_in_the_vocabulary():
    actions = _literal_actions()
    assert len(actions) > 50
    unknown = [(where, action) for where, action in actions if action not in AuditAction.values]
    assert not unknown, unknown


def test_computed_actions_are_in_the_vocabulary():
    from cases.models import Job
    from finance.analysis.models import Alert
    from finance.models import Import
    from finance.recovery.models.assets import AssetState

    computed = ([f"asset.measure.{s}" for s in AssetState.values] + [f"import.{s}" for s in Import.Status.values]
                + [f"alert.{s}" for s in Alert.Status.values] + ["job.failed", "job.cancelled"]
                + [f"{m}.delete" for m in ("note", "task", "entitylink")]
                + [f"dossier.download.{w}" for w in ("pdf", "bundle", "manifest")]
                + [f"tracing.export_{f}" for f in ("json", "csv", "pdf")]
                + [f"analysisrun.export.{f}" for f in ("csv", "ftm.json", "json", "cli")]
                + [f"admin.{m}.{v}" for m in ("agency", "user", "fxrate") for v in ("add", "change", "delete")])
    assert set(computed) <= set(AuditAction.values), sorted(set(computed) - set(AuditAction.values))


# --- every read is audited ------------------------------------------------------------------

def _route_modules():
    for path in sorted((ROOT / "tests").glob("*/routes.py")):
        yield importlib.import_module(f"tests.{path.parent.name}.routes")


MODULES = [m.__name__.split(".")[1] for m in _route_modules()]


@pytest.mark.django_db
@pytest.mark.parametrize("app", MODULES)
def test_every_case_read_writes_an_audit_event(app, client):
    """Every GET rule with a case action is a read of case content: requested by a member who may,
    it leaves an audit event of that member in that case."""
    from tests.test_authorization import _build_world

    module = importlib.import_module(f"tests.{app}.routes")
    world = _build_world()
    roles = {person: role for person, (_agency, role) in TEAM.items()}
    silent, checks = [], 0
    for name, spec in module.ROUTES.items():
        for route in spec if isinstance(spec, list) else [spec]:
            if route.method != "get" or not route.action:
                continue
            person = next((p for p in TEAM if route.expected(world, p, roles) == SUCCESS), None)
            if person is None:
                continue
            url = reverse(name, kwargs=route.kwargs(world))
            client.force_login(world.users[person])
            with transaction.atomic():
                before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
                response = client.get(url)
                audited = AuditEvent.objects.filter(id__gt=before, actor=world.users[person],
                                                    case=world.case).exists()
                transaction.set_rollback(True)
            checks += 1
            if response.status_code >= 400:
                silent.append(f"{name} as {person}: {response.status_code}")
            elif not audited:
                silent.append(f"{name} as {person}: GET {url} left no audit event")
    if checks == 0:
        pytest.skip(f"tests/{app}/routes.py has no case reads")
    assert not silent, f"{len(silent)} of {checks} case reads are not audited:\n" + "\n".join(silent)


@pytest.mark.django_db
def test_a_list_read_is_one_event_about_the_case_with_its_filters(world, login):
    lead = world.users["lead"]
    for title in ("One", "Two", "Three"):
        services.note_add(case=world.case, by=lead, title=title, body="text")
    before = AuditEvent.objects.count()
    login(lead).get(reverse("cases:notes", kwargs={"reference": world.case.reference}) + "?q=T")
    events = list(AuditEvent.objects.filter(pk__gt=0).order_by("id")[before:])
    assert [e.action for e in events] == ["note.list"]
    assert events[0].object_type == "cases.Case" and events[0].case_id == world.case.pk
    assert events[0].details["q"] == "T"
    # The API list: one event per case whose rows it returned.
    before = AuditEvent.objects.count()
    login(lead).get("/api/notes/")
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.case_id) for e in events] == [("api.list", world.case.pk)]


# --- redaction by persona ---------------------------------------------------------------------

def _audit_page(client, case):
    return client.get(reverse("cases:audit", kwargs={"reference": case.reference})).content.decode()


def _audit_api(client, case):
    return client.get(f"/api/cases/{case.reference}/audit/?page_size=500").content.decode()


@pytest.mark.django_db
def test_non_fiu_viewer_reads_no_fiu_labels_or_details(world, client):
    u, case = world.users, world.case
    services.note_add(case=case, by=u["analyst"], title="STR 2026-0107 Shell Ltd", body="x", handling=Handling.FIU)
    services.entity_create(case=case, by=u["lead"], kind="person", name="Dario Kovac")
    client.force_login(u["lead"])  # police, lead: manages the team, no FIU access
    for body in (_audit_page(client, case), _audit_api(client, case)):
        assert "STR 2026-0107" not in body and "Shell Ltd" not in body
        assert RESTRICTED_LABEL in body
        assert "Dario Kovac" in body  # team records stay readable
    # The same events, once the FIU grants the lead access, are readable.
    services.fiu_access_grant(case=case, by=u["analyst"], user=u["lead"], reason="joint analysis")
    assert "STR 2026-0107 Shell Ltd" in _audit_page(client, case)
    assert "STR 2026-0107 Shell Ltd" in _audit_api(client, case)


@pytest.mark.django_db
def test_a_deleted_record_keeps_its_handling_in_the_trail(world, client):
    u, case = world.users, world.case
    grant = services.fiu_access_grant(case=case, by=u["analyst"], user=u["lead"], reason="review")
    note = services.note_add(case=case, by=u["analyst"], title="Wire from Cyprus", body="FIU body", handling=Handling.FIU)
    services.record_delete(record=note, by=u["lead"])
    event = AuditEvent.objects.get(action="note.delete")
    assert event.details["_handling"]["handling"] == "fiu"
    client.force_login(u["lead"])
    assert "Wire from Cyprus" in _audit_page(client, case)
    services.fiu_access_revoke(grant=grant, by=u["analyst"])
    for body in (_audit_page(client, case), _audit_api(client, case)):
        assert "Wire from Cyprus" not in body and "FIU body" not in body


@pytest.mark.django_db
def test_agency_records_are_redacted_for_other_agencies(world, client):
    u, case = world.users, world.case
    services.note_add(case=case, by=u["investigator"], title="Customs informant Zeta", body="x",
                      handling=Handling.AGENCY)
    client.force_login(u["lead"])
    assert "Customs informant Zeta" not in _audit_page(client, case)
    assert "Customs informant Zeta" not in _audit_api(client, case)


# --- the administrator --------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_admin_shows_no_case_content(world, client):
    u, case = world.users, world.case
    entity = services.entity_create(case=case, by=u["lead"], kind="person", name="Dario Kovac")
    services.note_add(case=case, by=u["lead"], title="Lorry stopped at Bajakovo", body="Twelve pistols.")
    client.force_login(u["admin"])
    listing = client.get("/admin/cases/auditevent/")
    assert listing.status_code == 200
    event = AuditEvent.objects.get(action="entity.create", object_id=str(entity.pk))
    detail = client.get(f"/admin/cases/auditevent/{event.pk}/change/")
    assert detail.status_code == 200
    for page in (listing.content.decode(), detail.content.decode()):
        assert "Dario Kovac" not in page and "Lorry stopped" not in page and "Operation Alpha" not in page
    assert "entity.create" in detail.content.decode()
    # Events outside cases (accounts) stay readable in full.
    login_event = audit_record(actor=u["lead"], action=AuditAction.AUTH_LOGIN, details={"second_factor": False})
    assert "second_factor" in client.get(f"/admin/cases/auditevent/{login_event.pk}/change/").content.decode()


def test_the_admin_registers_no_case_content_models():
    """Only agencies, users, the audit log and structural tables; no model that holds case content."""
    own_apps = {"cases", "seizures", "finance", "analysis", "recovery"}
    allowed = {"cases.Agency", "cases.User", "cases.AuditEvent", "finance.FxRate"}
    registered = {model._meta.label for model in admin.site._registry if model._meta.app_label in own_apps}
    assert registered <= allowed, sorted(registered - allowed)
    case_owned = [model._meta.label for model in admin.site._registry if model is not AuditEvent
                  and any(f.name == "case" for f in model._meta.get_fields())]
    assert not case_owned, case_owned


@pytest.mark.django_db
def test_case_totals_through_the_api_are_an_audited_read(world, login):
    last = AuditEvent.objects.order_by("-id").first().pk
    response = login(world.users["lead"]).get(reverse("recovery-totals") + f"?case={world.case.reference}")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(pk__gt=last, case=world.case, actor=world.users["lead"]).exists()
