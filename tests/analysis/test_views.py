"""Pages, exports, API and CLI of the analyses."""
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import AuditEvent
from finance.analysis.models import AnalysisRun


@pytest.fixture
def seized(world, ledger):
    """A seizure whose possessor holds account A; A paid B paid C."""
    from seizures import services as seizure_services

    suspect = case_services.entity_create(case=world.case, by=world.users["lead"], kind="person", name="Ivo Suspect")
    ledger.account("A", holder=ledger.party("Ivo Suspect", entity=suspect))
    ledger.tx("A", "B", 3000, day=1)
    ledger.tx("B", "C", 2900, day=2)
    seizure = seizure_services.seizure_record(
        case=world.case, by=world.users["investigator"], reference="SZ-1", country="HR", context="border_crossing",
        legal_basis="illicit_possession", occurred_at=timezone.now() - timedelta(days=1))
    seizure_services.seizure_party_add(seizure=seizure, by=world.users["investigator"], entity=suspect, role="possessor")
    return seizure


def test_trace_from_a_seizure_through_the_form(seized, world, login, django_capture_on_commit_callbacks, ledger):
    client = login(world.users["analyst"])
    url = reverse("analysis:new", kwargs={"reference": world.case.reference})
    page = client.get(url + f"?kind=trace&seizure={seized.pk}")
    assert f"seizure:{seized.pk}" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "trace", "seeds": f"seizure:{seized.pk}", "direction": "downstream",
                                     "hops": 4, "stop_degree": 200})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    run = AnalysisRun.objects.get()
    assert run.seizure == seized and run.status == "succeeded"
    detail = client.get(reverse("analysis:run-detail", kwargs={"reference": world.case.reference, "pk": run.pk}))
    html = detail.content.decode()
    assert 'class="flow-svg"' in html and "flow-graph" in html and "analysis.js" in html
    assert "style=" not in html  # CSP: no inline styles
    graph = client.get(reverse("analysis:run-graph", kwargs={"reference": world.case.reference, "pk": run.pk})).json()
    assert len(graph["edges"]) == 2 and "tx" not in graph["edges"][0]
    edge = graph["edges"][0]
    frag = client.get(graph["edge_url"], {"source": edge["source"], "target": edge["target"], "fragment": 1})
    assert frag.status_code == 200 and "EUR" in frag.content.decode()
    # errors on the form stay in place
    bad = client.post(url, {"kind": "trace", "seeds": "account:999999", "direction": "downstream", "hops": 4,
                            "stop_degree": 200})
    assert bad.status_code == 400 and "account:999999" in bad.content.decode()


def test_exports_csv_and_followthemoney(seized, world, login, run_analysis, ledger):
    run = run_analysis("trace", {"seeds": [f"seizure:{seized.pk}"]})
    client = login(world.users["prosecutor"])
    kw = {"reference": world.case.reference, "pk": run.pk}
    csv_text = client.get(reverse("analysis:run-export", kwargs={**kw, "fmt": "csv"})).content.decode()
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("edge_source,edge_target,transaction_id") and len(lines) == 3
    ftm = [json.loads(line) for line in
           client.get(reverse("analysis:run-export", kwargs={**kw, "fmt": "ftm.json"})).content.decode().splitlines()]
    schemas = sorted(e["schema"] for e in ftm)
    assert schemas.count("Payment") == 2 and schemas.count("BankAccount") == 3 and "Person" in schemas
    payment = next(e for e in ftm if e["schema"] == "Payment")
    ids = {e["id"] for e in ftm}
    assert payment["properties"]["payerAccount"][0] in ids and payment["properties"]["amount"]
    assert AuditEvent.objects.filter(action="analysisrun.export.csv").exists()
    # nobody outside the team may export
    assert login(world.users["outsider"]).get(reverse("analysis:run-export", kwargs={**kw, "fmt": "csv"})).status_code == 404


def test_api_start_and_read(world, ledger, client, django_capture_on_commit_callbacks):
    ledger.tx("A", "B", 100, day=1)
    client.force_login(world.users["analyst"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/analyses/", {"case": world.case.reference, "kind": "trace",
                                                  "params": {"seeds": ["A"], "hops": 2}}, content_type="application/json")
    assert response.status_code == 202, response.content
    run_id = response.json()["id"]
    detail = client.get(f"/api/analyses/{run_id}/").json()
    assert detail["status"] == "succeeded" and len(detail["result"]["edges"]) == 1
    bad = client.post("/api/analyses/", {"case": world.case.reference, "kind": "trace", "params": {"hops": 2}},
                      content_type="application/json")
    assert bad.status_code == 400 and "seeds" in json.dumps(bad.json())


def test_cli_writes_json_with_external_ids(world, ledger, tmp_path):
    ledger.tx("A", "B", 100, day=1, external_id="BANK-1")
    ledger.tx("B", "C", 90, day=2, external_id="BANK-2")
    out = tmp_path / "trace.json"
    call_command("analyse", "--case", world.case.reference, "--as", "analyst", "--kind", "trace", "--seed", "A",
                 "--params", '{"hops": 3}', "--json", str(out))
    data = json.loads(out.read_text())
    assert data["kind"] == "trace" and data["status"] == "succeeded"
    assert sorted(x for e in data["result"]["edges"] for x in e["external_ids"]) == ["BANK-1", "BANK-2"]
    for day in range(3):
        ledger.tx(None, "S", 9500, day=day, channel="cash_deposit", external_id=f"CASH-{day}")
    out2 = tmp_path / "scan.json"
    call_command("analyse", "--case", world.case.reference, "--as", "analyst", "--kind", "typologies", "--json", str(out2))
    scan = json.loads(out2.read_text())
    structuring = next(a for a in scan["alerts"] if a["typology"] == "structuring")
    assert sorted(e["external_id"] for e in structuring["evidence"]) == ["CASH-0", "CASH-1", "CASH-2"]
    from django.core.management.base import CommandError
    with pytest.raises(CommandError, match="No case"):
        call_command("analyse", "--case", world.case.reference, "--as", "observer", "--kind", "typologies")


def test_overview_shows_guns_and_money(seized, world, login):
    page = login(world.users["investigator"]).get(reverse("analysis:overview", kwargs={"reference": world.case.reference}))
    html = page.content.decode()
    assert "SZ-1" in html and "Trace the money" in html and f"seizure={seized.pk}" in html


def test_dossier_section_prints_released_findings_only(world, fiu_ledger, ledger, run_analysis):
    from cases.dossier.base import Period, registered_sections
    from finance.analysis import services

    section = next(s for s in registered_sections() if s.key == "financial-findings")
    for day in range(3):
        ledger.tx(None, "S", 9500, day=day, channel="cash_deposit")
    fiu_ledger.tx("S", "T", 100, day=5)  # an STR's transaction: the analyses read FIU data
    trace = run_analysis("trace", {"seeds": ["S"], "direction": "upstream"})
    scan = run_analysis("typologies")
    alert = scan.alerts.get(typology="structuring")
    services.alert_decide(alert=alert, by=world.users["analyst"], status="confirmed", reason="Cash from gun sales")
    content = section.collect(world.case, world.users["prosecutor"], Period())
    assert [t["run"] for t in content.data["traces"]] == []  # FIU results, not released yet
    assert trace.handling == "fiu" and scan.handling == "fiu" and content.data["alerts"] == []
    services.run_release_fiu(run=scan, by=world.users["analyst"], reason="FIU consents to evidential use",
                             confirm_sources=True)
    services.run_release_fiu(run=trace, by=world.users["analyst"], reason="FIU consents to evidential use",
                             confirm_sources=True)
    content = section.collect(world.case, world.users["analyst"], Period())
    assert [t["run"] for t in content.data["traces"]] == [trace]
    assert "<svg" in content.data["traces"][0]["svg"]
    assert [a.pk for a in content.data["alerts"]] == [alert.pk]
    assert len(content.data["alerts"][0].evidence_list) == 3
    assert {"type": "analysis.Alert", "id": alert.pk} .items() <= next(
        r for r in content.records if r["type"] == "analysis.Alert").items()
