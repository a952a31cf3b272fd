"""A related id in an API write resolves only among the records the requester may see in the target case.

For every API write endpoint with a related id field, a record of another case (OP-BETA, with canary
labels) and a hidden record of the requester's own case answer exactly like an id that does not exist:
the same 400, the same text (up to the id itself), no label, title or case of the foreign record.
"""
import importlib
import inspect
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField

from cases import services as case_services
from cases.api.fields import CaseRelatedField, is_case_owned
from cases.api.serializers import CaseField
from cases.models import Case
from finance.recovery import services as recovery
from seizures import services as seizure_services

CANARY = "CANARY-BETA"
MISSING = 987654321

API_SERIALIZER_MODULES = ("cases.api.serializers", "seizures.api.serializers", "finance.api.serializers",
                          "finance.analysis.api.serializers", "finance.recovery.api.serializers")


def _seizure(case, by, place):
    return seizure_services.seizure_record(case=case, by=by, occurred_at=timezone.now() - timedelta(days=3),
                                           country="HR", place=place, context="border_crossing",
                                           legal_basis="illicit_possession")


def _firearm(seizure, by, make, serial):
    return seizure_services.firearm_record(seizure=seizure, by=by, weapon_type="pistol", make=make,
                                           serial_as_read=serial, deconflict=False)


def _evidence(case, by, title, handling="team"):
    return case_services.evidence_upload(case=case, by=by, title=title, handling=handling,
                                         upload=SimpleUploadedFile(f"{title}.csv", b"a,b\n1,2\n", "text/csv"))


@pytest.fixture
def records(world):
    """Own records of OP-ALPHA, foreign ones of OP-BETA (canary labels), hidden FIU ones of OP-ALPHA."""
    lead, outsider, analyst = world.users["lead"], world.users["outsider"], world.users["analyst"]
    beta = world.other_case
    own_seizure = _seizure(world.case, lead, "Bajakovo")
    foreign_seizure = _seizure(beta, outsider, f"{CANARY} seizure place")
    foreign_firearm = _firearm(foreign_seizure, outsider, f"{CANARY} firearm make", "CANARY77")
    return {
        "asset": recovery.asset_register(case=world.case, by=lead, kind="bank_account", label="Own account",
                                         jurisdiction="HR"),
        "mla": recovery.mla_create(case=world.case, by=lead, reference="MLA-OWN", requesting_state="HR",
                                   requested_state="SI"),
        "entity": case_services.entity_create(case=world.case, by=lead, kind="person", name="Own Person"),
        "seizure": own_seizure,
        "firearm": _firearm(own_seizure, lead, "Zastava", "OWN1"),
        "foreign": {
            "asset": recovery.asset_register(case=beta, by=outsider, kind="bank_account",
                                             label=f"{CANARY} asset label", jurisdiction="SI"),
            "evidence": _evidence(beta, outsider, f"{CANARY} evidence title"),
            "entity": case_services.entity_create(case=beta, by=outsider, kind="person", name=f"{CANARY} entity"),
            "mla": recovery.mla_create(case=beta, by=outsider, reference=f"{CANARY}-MLA", requesting_state="SI",
                                       requested_state="HR", description=f"{CANARY} mla"),
            "seizure": foreign_seizure,
            "firearm": foreign_firearm,
        },
        "hidden": {  # own case, FIU-coded and unreleased: the lead (police) may not see it
            "evidence": _evidence(world.case, analyst, "FIU-ONLY evidence title", handling="fiu"),
            "asset": recovery.asset_register(case=world.case, by=analyst, kind="bank_account",
                                             label="FIU-ONLY asset label", jurisdiction="HR", handling="fiu"),
            "entity": case_services.entity_create(case=world.case, by=analyst, kind="person",
                                                  name="FIU-ONLY entity", handling="fiu"),
        },
    }


NOW = "2026-02-01T10:00:00Z"

# name: (method, url(records), body(records, id), error field, kind of foreign record)
ENDPOINTS = {
    "asset transition documents": ("post", lambda r: f"/api/recovery/assets/{r['asset'].pk}/transition/",
                                   lambda r, i: {"to_state": "frozen", "authority": "Court", "legal_basis": "CPC",
                                                 "issued_on": "2026-02-01", "documents": [i]},
                                   "documents", "evidence"),
    "letter assets": ("post", lambda r: "/api/recovery/letters/",
                      lambda r, i: {"case": "OP-ALPHA", "addressee": "Adriatic Bank", "legal_basis": "CPC",
                                    "assets": [i]}, "assets", "asset"),
    "mla assets (create)": ("post", lambda r: "/api/recovery/mla-requests/",
                            lambda r, i: {"case": "OP-ALPHA", "reference": "MLA-2", "requesting_state": "HR",
                                          "requested_state": "SI", "purpose": "Freeze", "assets": [i]},
                            "assets", "asset"),
    "mla assets (change)": ("patch", lambda r: f"/api/recovery/mla-requests/{r['mla'].pk}/",
                            lambda r, i: {"assets": [i]}, "assets", "asset"),
    "sharing assets": ("post", lambda r: "/api/recovery/sharing-agreements/",
                       lambda r, i: {"case": "OP-ALPHA", "reference": "S-1",
                                     "shares": [{"state": "HR", "share_percent": "50"}], "assets": [i]},
                       "assets", "asset"),
    "sharing mla request": ("post", lambda r: "/api/recovery/sharing-agreements/",
                            lambda r, i: {"case": "OP-ALPHA", "reference": "S-2",
                                          "shares": [{"state": "HR", "share_percent": "50"}], "mla_request": i},
                            "mla_request", "mla"),
    "link target": ("post", lambda r: "/api/links/",
                    lambda r, i: {"source": r["entity"].pk, "target": i, "kind": "associate"}, "target", "entity"),
    "link source": ("post", lambda r: "/api/links/",
                    lambda r, i: {"source": i, "target": r["entity"].pk, "kind": "associate"}, "source", "entity"),
    "seizure party": ("post", lambda r: f"/api/seizures/{r['seizure'].pk}/parties/",
                      lambda r, i: {"entity": i, "role": "suspect"}, "entity", "entity"),
    "firearm seizure": ("post", lambda r: "/api/firearms/",
                        lambda r, i: {"seizure": i, "weapon_type": "pistol"}, "seizure", "seizure"),
    "part firearm": ("post", lambda r: "/api/seizure-parts/",
                     lambda r, i: {"seizure": r["seizure"].pk, "kind": "slide", "firearm": i}, "firearm", "firearm"),
    "ammunition seizure": ("post", lambda r: "/api/ammunition/",
                           lambda r, i: {"seizure": i, "calibre": "9x19mm", "quantity": 5}, "seizure", "seizure"),
    "custody firearm": ("post", lambda r: "/api/custody-events/",
                        lambda r, i: {"firearm": i, "kind": "seized", "occurred_at": NOW}, "firearm", "firearm"),
    "transfer document seizure": ("post", lambda r: "/api/transfer-documents/",
                                  lambda r, i: {"case": "OP-ALPHA", "kind": "export_licence", "number": "EL-1",
                                                "seizure": i}, "seizure", "seizure"),
    "transfer document firearms": ("post", lambda r: "/api/transfer-documents/",
                                   lambda r, i: {"case": "OP-ALPHA", "kind": "export_licence", "number": "EL-2",
                                                 "firearms": [i]}, "firearms", "firearm"),
    "transfer document exporter": ("post", lambda r: "/api/transfer-documents/",
                                   lambda r, i: {"case": "OP-ALPHA", "kind": "export_licence", "number": "EL-3",
                                                 "exporter": i}, "exporter", "entity"),
    "tracing request firearms": ("post", lambda r: "/api/tracing-requests/",
                                 lambda r, i: {"case": "OP-ALPHA", "destination": "interpol", "firearms": [i]},
                                 "firearms", "firearm"),
}


def _send(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _labels(record):
    return {str(v) for v in (getattr(record, name, None) for name in
                             ("label", "title", "name", "reference", "place", "make", "description", "original_name"))
            if v}


def _assert_same_as_missing(client, records, name, foreign):
    method, url, body, field, kind = ENDPOINTS[name]
    url = url(records)
    missing = _send(client, method, url, body(records, MISSING))
    answer = _send(client, method, url, body(records, foreign.pk))
    assert missing.status_code == 400, (name, missing.content)
    assert answer.status_code == 400, (name, answer.content)
    assert field in missing.json(), (name, missing.json())
    normalised = answer.content.decode().replace(str(foreign.pk), "<id>")
    assert normalised == missing.content.decode().replace(str(MISSING), "<id>"), name
    text = answer.content.decode()
    for label in _labels(foreign) | {CANARY, "OP-BETA", "FIU-ONLY"}:
        assert label not in text, (name, label)
    assert "another case" not in text and "belongs to" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_a_record_of_another_case_reads_like_a_missing_id(world, login, records, name):
    foreign = records["foreign"][ENDPOINTS[name][4]]
    _assert_same_as_missing(login(world.users["lead"]), records, name, foreign)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, e in ENDPOINTS.items() if e[4] in ("evidence", "asset", "entity")))
def test_a_hidden_record_of_the_own_case_reads_like_a_missing_id(world, login, records, name):
    hidden = records["hidden"][ENDPOINTS[name][4]]
    _assert_same_as_missing(login(world.users["lead"]), records, name, hidden)


@pytest.mark.django_db
def test_own_records_still_resolve(world, login, records):
    client = login(world.users["lead"])
    doc = _evidence(world.case, world.users["lead"], "Court order")
    response = _send(client, "post", f"/api/recovery/assets/{records['asset'].pk}/transition/",
                     {"to_state": "frozen", "authority": "Court", "legal_basis": "CPC", "issued_on": "2026-02-01",
                      "documents": [doc.pk]})
    assert response.status_code == 201, response.content
    assert response.json()["documents"] == [doc.pk]
    response = _send(client, "patch", f"/api/recovery/mla-requests/{records['mla'].pk}/",
                     {"assets": [records["asset"].pk]})
    assert response.status_code == 200 and response.json()["assets"] == [records["asset"].pk]
    response = _send(client, "post", "/api/seizure-parts/",
                     {"seizure": records["seizure"].pk, "kind": "slide", "firearm": records["firearm"].pk})
    assert response.status_code == 201, response.content


def _api_modules():
    """The serializer modules named above, and every module that defines an API view or its serializer
    (found through the URLconf, so a new app's API is checked without being listed)."""
    from django.urls import get_resolver

    names = set(API_SERIALIZER_MODULES)

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
                continue
            if not (prefix + str(p.pattern)).startswith("api/"):
                continue
            cls = getattr(p.callback, "cls", None) or getattr(p.callback, "view_class", None)
            if cls is None:
                continue
            names.add(cls.__module__)
            serializer = getattr(cls, "serializer_class", None)
            if serializer is not None:
                names.add(serializer.__module__)

    walk(get_resolver().url_patterns)
    return sorted(names)


def _writable_related_fields():
    """Every writable related field of every API serializer: (serializer, field name, field)."""
    for module_name in _api_modules():
        module = importlib.import_module(module_name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, serializers.BaseSerializer) or cls.__module__ != module_name:
                continue
            if issubclass(cls, serializers.ModelSerializer) and not hasattr(cls, "Meta"):
                continue  # an abstract base (HandledFields …): its fields are checked in its subclasses
            for name, field in cls(context={}).fields.items():
                if field.read_only:
                    continue
                child = field.child_relation if isinstance(field, ManyRelatedField) else field
                if isinstance(child, RelatedField):
                    yield cls, name, child


def test_every_writable_related_field_of_a_case_record_is_scoped_to_the_target_case():
    """A new serializer with an unscoped related field (`queryset=Model.objects.all()`) fails here."""
    seen, unscoped = [], []
    for cls, name, field in _writable_related_fields():
        if isinstance(field, CaseRelatedField):
            model = field.model
        elif isinstance(field, CaseField):
            model = Case
        else:
            assert field.queryset is not None, f"{cls.__name__}.{name}: a related field the kit does not know"
            model = field.queryset.model
        if is_case_owned(model):
            seen.append(f"{cls.__name__}.{name}")
            if not isinstance(field, CaseRelatedField):
                unscoped.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert not unscoped, f"related fields not resolved in the target case: {unscoped}"
    assert "TransitionSerializer.documents" in seen and "LetterSerializer.assets" in seen


def test_every_scoped_write_field_is_probed_by_an_endpoint_above():
    covered = {(e[3]) for e in ENDPOINTS.values()}
    probed_elsewhere = {"account"}  # AssetSerializer.account: a ledger account needs an import (tests/recovery)
    for cls, name, field in _writable_related_fields():
        if isinstance(field, CaseRelatedField):
            assert name in covered | probed_elsewhere | {"importer", "broker", "carrier", "declared_end_user",
                                                         "part", "ammunition"}, f"{cls.__name__}.{name} not probed"
