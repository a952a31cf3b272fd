"""Named people of the test stories, and the case they work on.

`world` is one joint team on case OP-ALPHA:
  lead (police), investigator (customs), analyst (FIU, financial analyst),
  prosecutor (prosecution), asset (police, asset recovery), observer (border guard);
and outsiders:
  outsider (arms-control authority, lead of case OP-BETA only),
  focal (national focal point, no membership), admin (system administrator, no membership).
"""
import os
from dataclasses import dataclass, field

import pytest

from cases import services
from cases.access import GlobalRole, Role

pytest_plugins = ["tests.browser_fixtures"]

PASSWORD = "correct-horse-battery-staple-9"

TEAM = {
    # name: (agency key, role)
    "lead": ("police", Role.LEAD),
    "investigator": ("customs", Role.INVESTIGATOR),
    "analyst": ("fiu", Role.FINANCIAL_ANALYST),
    "prosecutor": ("prosecution", Role.PROSECUTOR),
    "asset": ("police", Role.ASSET_RECOVERY),
    "observer": ("border", Role.OBSERVER),
}
OUTSIDERS = ("outsider", "focal", "admin")
EVERYONE = (*TEAM, *OUTSIDERS)

AGENCIES = {
    "police": ("National Police", "police", "HR"),
    "customs": ("Customs Administration", "customs", "HR"),
    "fiu": ("Financial Intelligence Unit", "fiu", "HR"),
    "prosecution": ("State Prosecution", "prosecution", "HR"),
    "border": ("Border Guard", "border", "HR"),
    "arms": ("Arms Control Authority", "arms_control", "SI"),
}


@dataclass
class World:
    case: object
    other_case: object
    users: dict
    agencies: dict
    objects: dict = field(default_factory=dict)  # filled by route modules: name -> record

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    agencies = {key: services.agency_create(name=name, kind=kind, country=country, short_name=key.upper())
                for key, (name, kind, country) in AGENCIES.items()}
    users = {}
    for name, (agency, _role) in TEAM.items():
        users[name] = services.user_create(username=name, password=PASSWORD, agency=agencies[agency],
                                           first_name=name.title())
    users["outsider"] = services.user_create(username="outsider", password=PASSWORD, agency=agencies["arms"])
    users["focal"] = services.user_create(username="focal", password=PASSWORD, agency=agencies["police"],
                                          global_role=GlobalRole.FOCAL_POINT)
    users["admin"] = services.user_create(username="admin", password=PASSWORD, global_role=GlobalRole.SYSTEM_ADMIN,
                                          is_staff=True, is_superuser=True)
    case = services.case_open(by=users["lead"], reference="OP-ALPHA", title="Operation Alpha",
                              summary="Pistols smuggled in a lorry.")
    for name, (_agency, role) in TEAM.items():
        if role != Role.LEAD:
            services.membership_add(case=case, by=users["lead"], user=users[name], role=role)
    other_case = services.case_open(by=users["outsider"], reference="OP-BETA", title="Operation Beta")
    return World(case=case, other_case=other_case, users=users, agencies=agencies)


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    """login("analyst") -> the test client logged in as that person of the world."""
    def _login(user):
        client.force_login(user)
        return client
    return _login


@pytest.fixture(autouse=True)
def _evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = str(tmp_path / "evidence")
    os.makedirs(settings.EVIDENCE_ROOT, exist_ok=True)


@pytest.fixture(autouse=True)
def _audit_checkpoint_dir(settings, tmp_path):
    # Signed audit checkpoints belong to one database; each test's database gets its own file.
    settings.PARALLAX_AUDIT_CHECKPOINT_DIR = str(tmp_path / "audit-checkpoints")
