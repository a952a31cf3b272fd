"""Malformed input answers 400 naming the field, never a server error (cases/bad_input.py).

Each known cause of a 500 has its test: a JSON body that is not an object on create endpoints,
NUL characters in query parameters / form fields / JSON strings (PostgreSQL refuses them),
non-numeric integer parameters, CR/LF or a quote in a tracing reference that names a download.
A sweep requests every page and API route of the authorization rules with junk in every query
parameter the views read, and expects no 5xx.
"""
import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from rest_framework import exceptions

from cases.api.base import CaseFilterMixin
from cases.bad_input import BadParameter, attachment_header, header_safe, int_param
from seizures import services as seizure_services
from seizures.models import TracingRequest
from tests.authz import SUCCESS
from tests.test_authorization import all_rules, route_modules
from tests.conftest import build_world

pytestmark = pytest.mark.django_db

# Create endpoints that read the case from the body (CaseFilterMixin.case_for_create) or their
# serializer: a list, a string, a number or null as the whole body.
CREATE_ENDPOINTS = [
    "/api/notes/", "/api/entities/", "/api/tasks/", "/api/analyses/", "/api/analysis-lists/",
    "/api/recovery/assets/", "/api/recovery/letters/", "/api/recovery/mla-requests/",
    "/api/recovery/sharing-agreements/", "/api/transfer-documents/", "/api/tracing-requests/",
    "/api/seizures/", "/api/cases/", "/api/links/",
]
NOT_OBJECTS = ["[]", '[{"case": "OP-ALPHA"}]', '"OP-ALPHA"', "null", "42", "true"]


@pytest.fixture
def lead(world, client):
    client.force_login(world.users["lead"])
    return client


# --- a JSON body that is not an object -----------------------------------------------------------

@pytest.mark.parametrize("url", CREATE_ENDPOINTS)
@pytest.mark.parametrize("body", NOT_OBJECTS)
def test_a_json_body_that_is_not_an_object_answers_400(lead, url, body):
    response = lead.post(url, data=body, content_type="application/json")
    assert response.status_code == 400, (url, body, response.content[:200])
    assert "Expected a JSON object" in response.content.decode()


def test_a_patch_with_a_json_list_answers_400(lead, world):
    response = lead.patch(f"/api/cases/{world.case.reference}/", data="[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert "Expected a JSON object" in response.json()["non_field_errors"][0]


class _Request:
    def __init__(self, data, query=""):
        self.data = data
        self.query_params = QueryDict(query)
        self.user = None


@pytest.mark.parametrize("data", [[], ["OP-ALPHA"], "OP-ALPHA", None, 7])
def test_case_for_create_refuses_a_body_that_is_not_an_object(data):
    # Behind the middleware too (a parser may hand the view anything JSON can hold).
    with pytest.raises(exceptions.ValidationError) as caught:
        CaseFilterMixin().case_for_create(_Request(data, "case=OP-ALPHA"))
    assert "Expected a JSON object" in str(caught.value.detail)


@pytest.mark.parametrize("value", [7, ["OP-ALPHA"], {"reference": "OP-ALPHA"}])
def test_case_for_create_refuses_a_case_that_is_not_a_reference(value):
    with pytest.raises(exceptions.ValidationError) as caught:
        CaseFilterMixin().case_for_create(_Request({"case": value}))
    assert "case" in caught.value.detail


# --- NUL characters --------------------------------------------------------------------------------

@pytest.mark.parametrize("url,param", [
    ("/api/cases/", "q"), ("/api/cases/", "status"), ("/api/notes/", "case"), ("/api/seizures/", "context"),
    ("/api/finance/transactions/", "q"), ("/api/analysis-alerts/", "typology"), ("/api/recovery/totals/", "currency"),
    ("/api/recovery/measures/deadlines/", "case"),
])
def test_a_nul_in_an_api_query_parameter_answers_400_naming_it(lead, url, param):
    response = lead.get(url, {param: "abc\x00def"})
    assert response.status_code == 400, response.content[:200]
    assert param in response.json()


def test_a_nul_in_a_parameter_name_answers_400(lead):
    response = lead.get("/api/cases/", {"q\x00x": "1"})
    assert response.status_code == 400 and "qx" in response.json()


@pytest.mark.parametrize("path,param", [
    ("/cases/", "q"), ("/cases/OP-ALPHA/notes/", "q"), ("/cases/OP-ALPHA/evidence/", "q"),
    ("/cases/OP-ALPHA/audit/", "actor"), ("/cases/OP-ALPHA/finance/parties/", "q"),
])
def test_a_nul_in_a_page_query_parameter_answers_a_400_page_naming_it(lead, path, param):
    response = lead.get(path, {param: "x\x00"})
    assert response.status_code == 400
    assert param in response.content.decode() and "Null characters" in response.content.decode()


def test_a_nul_in_a_json_field_answers_400_naming_the_field(lead, world):
    response = lead.post("/api/notes/", {"case": world.case.reference, "title": "a\x00b", "body": "text"},
                         content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"title": ["Null characters are not allowed."]}


def test_a_nul_deep_in_a_json_body_names_its_path(lead, world):
    body = {"case": world.case.reference, "kind": "person", "name": "X",
            "identifiers": [{"kind": "passport", "value": "P\x00"}]}
    response = lead.post("/api/entities/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"identifiers": ["identifiers[0].value: Null characters are not allowed."]}


def test_a_nul_in_a_json_key_and_a_lone_surrogate_answer_400(lead, world):
    response = lead.post("/api/notes/", data='{"case": "OP-ALPHA", "ti\\u0000tle": "x", "body": "y"}',
                         content_type="application/json")
    assert response.status_code == 400
    response = lead.post("/api/notes/", data='{"case": "OP-ALPHA", "title": "\\ud800", "body": "y"}',
                         content_type="application/json")
    assert response.status_code == 400 and "title" in response.json()


def test_a_json_body_nested_beyond_any_record_answers_400(lead):
    deep = "[" * 100_000 + "]" * 100_000
    response = lead.post("/api/notes/", data='{"case": "OP-ALPHA", "body": ' + deep + "}",
                         content_type="application/json")
    assert response.status_code == 400


def test_a_nul_in_a_form_field_answers_400_naming_it(lead, world):
    response = lead.post(reverse("cases:notes", kwargs={"reference": world.case.reference}),
                         {"title": "t", "body": "b\x00", "handling": "team"})
    assert response.status_code == 400
    assert "body" in response.content.decode()


def test_a_nul_in_the_path_answers_400(lead):
    assert lead.get("/api/cases/OP%00ALPHA/").status_code == 400
    assert lead.get("/cases/OP%00ALPHA/").status_code == 400


def test_a_nul_in_the_token_or_session_cookie_answers_400(client):
    assert client.get("/api/cases/", HTTP_AUTHORIZATION="Token abc\x00def").status_code == 400
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/api/cases/").status_code == 400


# --- integer parameters ------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["abc", "1.5", "1e3", "9" * 5000, "0x10"])
def test_a_non_numeric_timeline_limit_answers_400_naming_it(lead, world, value):
    response = lead.get(f"/api/cases/{world.case.reference}/timeline/", {"limit": value})
    assert response.status_code == 400
    assert "limit" in response.json()


@pytest.mark.parametrize("value,expected", [("-5", 200), ("0", 200), ("100000", 200), ("7", 200)])
def test_an_out_of_range_timeline_limit_is_clamped(lead, world, value, expected):
    assert lead.get(f"/api/cases/{world.case.reference}/timeline/", {"limit": value}).status_code == expected


def test_a_non_numeric_alert_run_answers_400_naming_it(lead):
    response = lead.get("/api/analysis-alerts/", {"run": "abc"})
    assert response.status_code == 400 and "run" in response.json()
    assert lead.get("/api/analysis-alerts/", {"run": str(10**30)}).status_code == 400
    assert lead.get("/api/analysis-alerts/", {"run": "3"}).status_code == 200


def test_a_non_numeric_supersedes_on_the_evidence_page_answers_400_naming_it(lead, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("cases:evidence", kwargs={"reference": world.case.reference})
    response = lead.post(url, {"title": "v2", "handling": "team", "supersedes": "abc",
                               "file": SimpleUploadedFile("a.txt", b"hello", "text/plain")})
    assert response.status_code == 400
    assert "supersedes" in response.content.decode()


def test_non_numeric_deadline_days_answer_400_naming_them(lead):
    response = lead.get("/api/recovery/measures/deadlines/", {"days": "soon"})
    assert response.status_code == 400 and "days" in response.json()


def test_int_param():
    assert int_param({"n": " 12 "}, "n") == 12
    assert int_param({}, "n", 5) == 5 and int_param({"n": ""}, "n", 5) == 5
    assert int_param({"n": "900"}, "n", minimum=1, maximum=500, clamp=True) == 500
    with pytest.raises(BadParameter) as caught:
        int_param({"n": "x"}, "n")
    assert caught.value.detail == {"n": ["n: a whole number, not 'x'."]}
    with pytest.raises(BadParameter):
        int_param({"n": "0"}, "n", minimum=1)


# --- a tracing reference that names a download --------------------------------------------------------

def _firearm(world):
    inv = world.users["investigator"]
    seizure = seizure_services.seizure_record(case=world.case, by=inv, reference="SZ-H", country="HR",
                                              context="border_crossing", legal_basis="illicit_possession",
                                              occurred_at=timezone.now())
    return seizure_services.firearm_record(seizure=seizure, by=inv, weapon_type="pistol", make="Glock",
                                           serial_as_read="HDR123", deconflict=False)


@pytest.mark.parametrize("reference", ["TR\r\nSet-Cookie: x=1", "TR\n2", "TR\r3", "TR\t4", "TR\x1b5"])
def test_a_tracing_reference_with_a_line_break_is_refused_naming_it(lead, world, reference):
    firearm = _firearm(world)
    response = lead.post("/api/tracing-requests/", {"case": world.case.reference, "firearms": [firearm.pk],
                                                    "destination": "manufacturer", "reference": reference},
                         content_type="application/json")
    assert response.status_code == 400, response.content
    assert "reference" in response.json()
    assert not TracingRequest.objects.filter(case=world.case).exists()


@pytest.mark.parametrize("reference", ['TR"1;x', "TR\r\n2", "Trž-3"])
def test_every_tracing_export_names_its_file_safely(lead, world, reference):
    firearm = _firearm(world)
    tracing = seizure_services.tracing_request_create(case=world.case, by=world.users["lead"], firearms=[firearm],
                                                      destination="manufacturer")
    TracingRequest.objects.filter(pk=tracing.pk).update(reference=reference)  # as stored before the check
    urls = [f"/api/tracing-requests/{tracing.pk}/record/?as=csv"] + [
        reverse("seizures:tracing-export", kwargs={"reference": world.case.reference, "pk": tracing.pk, "fmt": fmt})
        for fmt in ("json", "csv", "pdf")]
    for url in urls:
        response = lead.get(url)
        assert response.status_code == 200, url
        disposition = response["Content-Disposition"]
        assert "\r" not in disposition and "\n" not in disposition
        assert disposition.startswith("attachment; filename")
        assert disposition.count('"') in (0, 2) or '\\"' in disposition


def test_attachment_header_escapes_quotes_and_drops_control_characters():
    assert attachment_header('a"b\r\n.csv') == 'attachment; filename="a\\"b .csv"'
    assert attachment_header("ž.pdf", as_attachment=False) == "inline; filename*=utf-8''%C5%BE.pdf"
    assert header_safe("\r\n") == "download"


def test_an_evidence_file_name_with_a_line_break_downloads(lead, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases import services
    from cases.models import EvidenceFile

    evidence = services.evidence_upload(case=world.case, by=world.users["lead"], title="x",
                                        upload=SimpleUploadedFile("a.txt", b"hello", "text/plain"))
    EvidenceFile.objects.filter(pk=evidence.pk).update(original_name='a\r\n"b".txt')
    for url in (f"/api/evidence/{evidence.pk}/download/",
                reverse("cases:evidence-download", kwargs={"reference": world.case.reference, "pk": evidence.pk})):
        response = lead.get(url)
        assert response.status_code == 200, url
        assert "\n" not in response["Content-Disposition"]


# --- every route, junk in every parameter a view reads -------------------------------------------------

JUNK_PARAMS = ["limit", "run", "supersedes", "fragment", "page", "days", "source", "target", "q", "status",
               "case", "kind", "chain", "to", "asset", "firearm", "label", "mine", "part", "action", "actor",
               "currency", "as", "date_from", "date_to", "account", "party", "amount_min", "amount_max",
               "source_import", "overdue", "typology", "format", "min_score", "next", "sections", "id"]
JUNK_VALUES = ["abc", "-1", str(10**30), "1.5", "%", "' OR 1=1 --", "account:abc", "\u2603" * 3]


def test_no_page_or_api_route_answers_5xx_to_junk_parameters(client):
    world = build_world()
    for module in route_modules():
        if hasattr(module, "build"):
            module.build(world)
    client.force_login(world.users["lead"])
    client.raise_request_exception = False  # collect every 500, not only the first
    failures = []
    for name, specs in sorted(all_rules().items()):
        for route in specs:
            if route.method != "get":
                continue
            url = reverse(name, kwargs=route.kwargs(world))
            for value in JUNK_VALUES:
                response = client.get(url, {param: value for param in JUNK_PARAMS})
                if response.status_code >= 500:
                    failures.append(f"GET {url} with every parameter={value!r} -> {response.status_code}")
    assert not failures, "\n".join(failures)
    assert SUCCESS  # the routes themselves are checked by tests/test_authorization.py


@pytest.mark.parametrize("path,param", [
    ("/cases/OP-ALPHA/timeline/", "limit"), ("/assets/", "days"),
])
def test_a_non_numeric_page_parameter_answers_a_400_page_naming_it(lead, path, param):
    response = lead.get(path, {param: "many"})
    assert response.status_code == 400
    assert param in response.content.decode()
    assert lead.get(path, {param: "100000"}).status_code == 200  # out of range: clamped


@pytest.mark.parametrize("body,field", [
    ({"tags": 5}, "tags"), ({"tags": [1, None]}, "tags"), ({"title": None}, "title"), ({"title": ["x"]}, "title"),
    ({"reference_currency": {"a": 1}}, "reference_currency"), ({"status": ["closed"]}, "status"),
])
def test_a_case_patch_with_a_field_of_the_wrong_type_answers_400_naming_it(lead, world, body, field):
    lead.raise_request_exception = False
    response = lead.patch(f"/api/cases/{world.case.reference}/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()


def test_a_case_patch_still_changes_what_it_names(lead, world):
    response = lead.patch(f"/api/cases/{world.case.reference}/", {"title": " New title ", "tags": ["darknet"]},
                          content_type="application/json")
    assert response.status_code == 200
    assert response.json()["title"] == "New title" and response.json()["tags"] == ["darknet"]
    # A number where text is expected is read as its text (DRF's CharField), not a server error.
    assert lead.patch(f"/api/cases/{world.case.reference}/", {"title": 5}, content_type="application/json").status_code == 200
