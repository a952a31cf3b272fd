"""The demo case: one multi-agency joint team (DEMO-1) and a second team (DEMO-2).

`python manage.py load_demo` calls `demo_load`. Everything is written through
the services, so the demo has a real audit trail. Other apps add their part of
the demo from `AppConfig.ready()`:

    apps.get_app_config("cases").contributions.demo_builders.append(my_builder)

A builder receives the `DemoContext` and must be idempotent: it checks whether
its data is already there before writing.
"""
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.access import GlobalRole, Handling, Role
from cases.models import Agency, Case, CaseMembership, Entity, User
from cases.registry import contributions

AGENCIES = {
    "police": ("National Police — Organised Crime Directorate", "NP-OCD", "police"),
    "customs": ("Customs Administration — Enforcement Division", "CUSTOMS", "customs"),
    "fiu": ("Financial Intelligence Unit", "FIU", "fiu"),
    "prosecution": ("Public Prosecution Service — Serious Crime", "PPS", "prosecution"),
    "border": ("Border Guard — Eastern Region", "BG-EAST", "border"),
}

# username: (first, last, agency key, case role on DEMO-1, title)
MEMBERS = {
    "demo-lead": ("Lena", "Marković", "police", Role.LEAD, "Detective Chief Inspector"),
    "demo-investigator": ("Tomas", "Varga", "customs", Role.INVESTIGATOR, "Customs investigator"),
    "demo-analyst": ("Aisha", "Rahman", "fiu", Role.FINANCIAL_ANALYST, "Senior financial analyst"),
    "demo-prosecutor": ("Paul", "Okafor", "prosecution", Role.PROSECUTOR, "Deputy prosecutor"),
    "demo-asset": ("Ines", "Duarte", "police", Role.ASSET_RECOVERY, "Asset-recovery officer"),
    "demo-observer": ("Olaf", "Berg", "border", Role.OBSERVER, "Liaison officer"),
}


@dataclass
class DemoContext:
    case: Case
    other_case: Case
    users: dict[str, User]
    agencies: dict[str, Agency]
    entities: dict[str, Entity] = field(default_factory=dict)
    today: date = field(default_factory=timezone.localdate)
    log: list[str] = field(default_factory=list)


def demo_users_table():
    """(username, role label, agency) for the README and `make run`."""
    rows = [(u, role.label, AGENCIES[a][1]) for u, (_f, _l, a, role, _t) in MEMBERS.items()]
    rows.append(("demo-outsider", "Lead investigator of DEMO-2 only", "ARMS-CTRL"))
    rows.append(("demo-focal", "National focal point (statistics only)", "NP-OCD"))
    rows.append(("demo-admin", "System administrator (Django admin)", "—"))
    return rows


def _agency(key, name, short, kind, country="HR"):
    agency = Agency.objects.filter(short_name=short).first()
    return agency or services.agency_create(name=name, short_name=short, kind=kind, country=country)


def _user(username, password, **fields):
    user = User.objects.filter(username=username).first()
    return user or services.user_create(username=username, password=password, **fields)


@transaction.atomic
def demo_load(*, password=None) -> DemoContext:
    password = password or settings.PARALLAX_DEMO_PASSWORD
    agencies = {key: _agency(key, *spec) for key, spec in AGENCIES.items()}
    agencies["arms"] = _agency("arms", "Arms Control Authority", "ARMS-CTRL", "arms_control", country="SI")
    users = {}
    for username, (first, last, agency_key, _role, title) in MEMBERS.items():
        users[username] = _user(username, password, first_name=first, last_name=last, title=title,
                                agency=agencies[agency_key], email=f"{username}@example.org")
    users["demo-outsider"] = _user("demo-outsider", password, first_name="Marta", last_name="Novak",
                                   agency=agencies["arms"], title="Inspector", email="demo-outsider@example.org")
    users["demo-focal"] = _user("demo-focal", password, first_name="Ivo", last_name="Horvat",
                                agency=agencies["police"], global_role=GlobalRole.FOCAL_POINT,
                                title="National focal point for firearms", email="demo-focal@example.org")
    users["demo-admin"] = _user("demo-admin", password, first_name="Ana", last_name="Admin",
                                global_role=GlobalRole.SYSTEM_ADMIN, is_staff=True, is_superuser=True,
                                email="demo-admin@example.org")

    case = Case.objects.filter(reference="DEMO-1").first()
    fresh = case is None
    if fresh:
        case = services.case_open(
            by=users["demo-lead"], reference="DEMO-1", title="Operation Northern Corridor",
            lead_agency=agencies["police"], opened_on=timezone.localdate() - timedelta(days=60),
            tags=["firearms trafficking", "darknet", "parallel financial investigation"],
            summary=(
                "Pistols and converted alarm weapons smuggled in a lorry through the eastern border crossing; "
                "darknet orders paid in bitcoin; proceeds laundered through a freight-forwarding company. "
                "Parallel financial investigation opened with the FIU."
            ),
        )
    for username, (_f, _l, _a, role, _t) in MEMBERS.items():
        if role != Role.LEAD and not CaseMembership.objects.active().filter(case=case, user=users[username]).exists():
            services.membership_add(case=case, by=users["demo-lead"], user=users[username], role=role)

    other = Case.objects.filter(reference="DEMO-2").first()
    if other is None:
        other = services.case_open(
            by=users["demo-outsider"], reference="DEMO-2", title="Brokering of surplus rifles",
            lead_agency=agencies["arms"], summary="Unlicensed brokering of surplus rifles through a shell company.",
            tags=["brokering"],
        )
        services.note_add(case=other, by=users["demo-outsider"], title="Licence check",
                          body="The broker holds no brokering licence in any EU member state.")

    demo = DemoContext(case=case, other_case=other, users=users, agencies=agencies)
    if fresh:
        _core_content(demo)
    demo.entities = {e.name: e for e in Entity.objects.filter(case=case)}
    for builder in contributions().demo_builders:
        builder(demo)
    return demo


def _core_content(demo: DemoContext):
    case, u = demo.case, demo.users
    lead, inv, analyst = u["demo-lead"], u["demo-investigator"], u["demo-analyst"]
    people = [
        ("Dario Kovač", "person", "suspect", {"nationality": "HR", "country": "HR", "date_of_birth": date(1984, 3, 2),
                                              "sex": "male", "aliases": ["Dado"]}),
        ("Goran Petrović", "person", "carrier", {"nationality": "RS", "country": "RS", "sex": "male"}),
        ("Mila Stojanović", "person", "buyer", {"nationality": "SI", "country": "SI", "sex": "female"}),
        ("Adriatic Freight Forwarding d.o.o.", "organisation", "carrier", {"country": "HR"}),
        ("Nordwaffen Handels GmbH", "organisation", "seller", {"country": "AT"}),
    ]
    created = {}
    for name, kind, role, extra in people:
        created[name] = services.entity_create(case=case, by=inv if kind == "organisation" else lead, kind=kind,
                                               name=name, role_in_case=role, **extra)
    services.identifier_add(entity=created["Dario Kovač"], by=lead, kind="passport", value="HR 0123 4567", country="HR")
    services.identifier_add(entity=created["Adriatic Freight Forwarding d.o.o."], by=inv, kind="company_number",
                            value="080123456", country="HR")
    services.link_add(case=case, by=lead, source=created["Dario Kovač"],
                      target=created["Adriatic Freight Forwarding d.o.o."], kind="director_of")
    services.link_add(case=case, by=inv, source=created["Goran Petrović"],
                      target=created["Adriatic Freight Forwarding d.o.o."], kind="employee_of")
    services.link_add(case=case, by=lead, source=created["Mila Stojanović"], target=created["Dario Kovač"],
                      kind="buys_from", description="Ordered two pistols through a darknet market vendor account.")

    services.note_add(case=case, by=inv, title="Lorry stopped at the eastern crossing",
                      body="X-ray showed a false floor in the trailer; 12 pistols and 3 converted alarm "
                           "revolvers recovered. Driver Goran Petrović arrested.")
    services.note_add(case=case, by=lead, title="Informant statement (police only)", handling=Handling.AGENCY,
                      body="Source CI-17 names Dario Kovač as the organiser; meetings at the freight yard.")
    services.note_add(case=case, by=analyst, title="Suspicious transaction reports", handling=Handling.FIU,
                      body="Three STRs from two banks on cash deposits just below the reporting threshold "
                           "into the freight company's account. Not yet released for evidential use.")
    released = services.note_add(
        case=case, by=analyst, title="FIU disclosure for evidential use", handling=Handling.FIU,
        body="The FIU consents to the use of its analysis of the freight company's account in proceedings: "
             "EUR 184,500 in cash deposits over nine weeks, each between EUR 9,000 and 9,900.")
    services.record_release_fiu(record=released, by=analyst,
                                reason="FIU director's consent for evidential use, ref. FIU-2026-118")

    services.task_create(case=case, by=lead, title="Send tracing requests for the seized pistols",
                         assignee=inv, due_date=demo.today + timedelta(days=7))
    services.task_create(case=case, by=lead, title="Request account statements of the freight company",
                         assignee=analyst, due_date=demo.today + timedelta(days=14))
    services.task_create(case=case, by=lead, title="Interview the driver with counsel present",
                         assignee=lead, due_date=demo.today - timedelta(days=2))

    services.evidence_upload(
        case=case, by=inv, title="Seizure report — eastern crossing",
        upload=SimpleUploadedFile("seizure-report.pdf", _demo_pdf("Seizure report DEMO-1"), "application/pdf"),
        source="Customs Enforcement Division",
    )
    services.evidence_upload(
        case=case, by=lead, title="Freight manifest",
        upload=SimpleUploadedFile("manifest.csv", b"consignment,shipper,consignee,declared\n"
                                  b"TRK-2291,Nordwaffen Handels GmbH,Adriatic Freight Forwarding,machine parts\n",
                                  "text/csv"),
        source="Lorry documents",
    )


def _demo_pdf(title: str) -> bytes:
    """A small real PDF, rendered by WeasyPrint."""
    from weasyprint import HTML

    buffer = io.BytesIO()
    HTML(string=f"<h1>{title}</h1><p>Demonstration document.</p>").write_pdf(buffer)
    return buffer.getvalue()
