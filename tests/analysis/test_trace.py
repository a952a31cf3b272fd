"""Follow-the-money trace on hand-built ledgers with known answers."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cases.access import Handling
from cases.models import Job
from finance.analysis import selectors, services
from finance.analysis.models import AnalysisRun


def keys(run):
    return {n["key"] for n in run.result["nodes"]}


def edge_pairs(run, ledger):
    name = {f"a:{a.pk}": label for label, a in ledger.accounts.items()}
    return {(name.get(e["source"], e["source"]), name.get(e["target"], e["target"])) for e in run.result["edges"]}


@pytest.fixture
def chain(ledger):
    """A → B → C → D on days 1, 2, 3 (the 3-hop path), with:
    B → E on day 0, before the money arrived at B: not time-respecting, must not appear;
    D → F on day 4: a 4th hop;
    X → A on day 0: upstream of A."""
    ledger.tx("A", "B", 5000, day=1)
    ledger.tx("B", "C", 4800, day=2)
    ledger.tx("C", "D", 4700, day=3)
    ledger.tx("B", "E", 900, day=0)
    ledger.tx("D", "F", 4600, day=4)
    ledger.tx("X", "A", 6000, day=0)
    return ledger


def test_three_hop_path_is_found_and_time_travel_is_not(chain, run_analysis):
    a = chain.accounts["A"]
    run = run_analysis("trace", {"seeds": [f"account:{a.pk}"], "hops": 3})
    assert run.status == AnalysisRun.Status.SUCCEEDED
    assert edge_pairs(run, chain) == {("A", "B"), ("B", "C"), ("C", "D")}
    assert f"a:{chain.accounts['E'].pk}" not in keys(run)
    assert f"a:{chain.accounts['F'].pk}" not in keys(run)  # 4th hop beyond k=3
    top = run.result["paths"][0]
    assert [chain.accounts[x].pk for x in "ABCD"] == [int(k[2:]) for k in top["nodes"]]
    assert Decimal(top["amount"]) == Decimal("4700.00")  # the bottleneck of the path
    by_key = {n["key"]: n for n in run.result["nodes"]}
    assert by_key[f"a:{chain.accounts['D'].pk}"]["hop"] == 3
    # provenance: the import the trace read, and the transactions of each edge
    assert run.input_snapshot["imports"][0]["id"] == chain.imp.pk
    edge = next(e for e in run.result["edges"] if e["source"] == f"a:{a.pk}")
    assert edge["count"] == 1 and Decimal(edge["sum"]) == Decimal("5000.00")
    # the job is done and points at the run
    job = Job.objects.get(pk=run.job_id)
    assert job.status == Job.Status.SUCCEEDED and job.result["url"].endswith(f"/{run.pk}/")


def test_default_four_hops_and_upstream(chain, run_analysis):
    a = chain.accounts["A"]
    down = run_analysis("trace", {"seeds": [f"account:{a.pk}"]})
    assert ("D", "F") in edge_pairs(down, chain)
    up = run_analysis("trace", {"seeds": [f"account:{a.pk}"], "direction": "upstream"})
    assert edge_pairs(up, chain) == {("X", "A")}
    d = chain.accounts["D"]
    up_d = run_analysis("trace", {"seeds": [f"account:{d.pk}"], "direction": "upstream"})
    # sources of D's money: C ← B ← A ← X (time-respecting backwards); B ← nothing else
    assert edge_pairs(up_d, chain) == {("C", "D"), ("B", "C"), ("A", "B"), ("X", "A")}


def test_min_amount_window_and_conservation(chain, run_analysis):
    a = chain.accounts["A"]
    chain.tx("C", "G", 20000, day=3, hours=2)  # far more than C ever received from the trace
    run = run_analysis("trace", {"seeds": [f"account:{a.pk}"], "min_amount": "4750"})
    assert edge_pairs(run, chain) == {("A", "B"), ("B", "C"), ("C", "G")}
    run = run_analysis("trace", {"seeds": [f"account:{a.pk}"], "tolerance": "0.1"})
    assert ("C", "G") not in edge_pairs(run, chain)
    assert ("C", "D") in edge_pairs(run, chain)
    run = run_analysis("trace", {"seeds": [f"account:{a.pk}"], "date_to": "2026-03-04"})
    assert edge_pairs(run, chain) == {("A", "B"), ("B", "C")}


def test_high_degree_nodes_stop_the_trace(ledger, run_analysis):
    ledger.tx("A", "HUB", 1000, day=1)
    for i in range(6):
        ledger.tx("HUB", f"M{i}", 100, day=2)
    ledger.tx("A", "B", 500, day=1)
    ledger.tx("B", "C", 400, day=2)
    run = run_analysis("trace", {"seeds": [f"account:{ledger.accounts['A'].pk}"], "stop_degree": 5})
    hub = f"a:{ledger.accounts['HUB'].pk}"
    assert hub in keys(run) and hub in run.result["stopped"]
    assert not any(n.startswith("M") for _s, n in edge_pairs(run, ledger))
    assert ("B", "C") in edge_pairs(run, ledger)


def test_seeds_from_a_party_and_errors(ledger, run_analysis, world):
    p = ledger.party("Dario Kovač")
    acc = ledger.account("A", holder=p)
    ledger.tx("A", "B", 100, day=1)
    run = run_analysis("trace", {"seeds": [f"party:{p.pk}"]})
    assert f"a:{acc.pk}" in run.params["seed_keys"]
    with pytest.raises(ValidationError, match="account:999999"):
        services.analysis_start(case=world.case, by=world.users["analyst"], kind="trace",
                                params={"seeds": ["account:999999"]})
    with pytest.raises(ValidationError, match="hops"):
        services.analysis_start(case=world.case, by=world.users["analyst"], kind="trace",
                                params={"seeds": [f"account:{acc.pk}"], "hops": 9})
    # an IBAN / identifier works as a seed too
    run = run_analysis("trace", {"seeds": ["a"]})
    assert run.params["seed_keys"] == [f"a:{acc.pk}"]


def test_fiu_input_gives_fiu_result(fiu_ledger, run_analysis, world):
    fiu_ledger.tx("A", "B", 100, day=1)
    run = run_analysis("trace", {"seeds": [f"account:{fiu_ledger.accounts['A'].pk}"]})
    assert run.handling == Handling.FIU
    assert Job.objects.get(pk=run.job_id).handling == Handling.FIU
    # the lead (police) may not see it; the analyst may
    assert not AnalysisRun.objects.visible_to(world.users["lead"]).filter(pk=run.pk).exists()
    assert AnalysisRun.objects.visible_to(world.users["analyst"]).filter(pk=run.pk).exists()


def test_trace_endpoints_selector(chain, run_analysis):
    run = run_analysis("trace", {"seeds": [f"account:{chain.accounts['A'].pk}"], "hops": 3})
    ends = selectors.taint_endpoints(run)
    assert [e["identifier"] for e in ends] == ["D"]
    assert ends[0]["amount"] == Decimal("4700.00")


def test_rerun_keeps_the_old_run(chain, run_analysis, world, django_capture_on_commit_callbacks):
    run = run_analysis("trace", {"seeds": [f"account:{chain.accounts['A'].pk}"], "hops": 3})
    chain.tx("D", "Z", 4000, day=5)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.analysis_rerun(run=run, by=world.users["analyst"])
    again.refresh_from_db()
    run.refresh_from_db()
    assert again.version == 2 and again.rerun_of == run
    assert len(run.result["edges"]) == 3 and again.status == AnalysisRun.Status.SUCCEEDED


def test_crypto_payments_join_the_trace_and_seizure_payments_seed_it(ledger, run_analysis, world):
    from datetime import date

    from finance.models import FxRate
    from seizures import services as seizure_services
    from django.utils import timezone

    FxRate.objects.create(currency="BTC", quote_currency="EUR", on=date(2026, 1, 1), rate=50000)
    order = ledger.crypto([("buyer", 0.31)], [("vendor", 0.3), ("buyer", 0.0099)], day=1)
    ledger.crypto([("vendor", 0.3)], [("exch", 0.2999)], day=2)
    seizure = seizure_services.seizure_record(
        case=world.case, by=world.users["investigator"], reference="SZ-C", country="HR", context="border_crossing",
        legal_basis="illicit_possession", occurred_at=timezone.now())
    services.seizure_payment_mark(case=world.case, by=world.users["analyst"], seizure=seizure,
                                  crypto_transaction=order, note="darknet order")
    run = run_analysis("trace", {"seeds": [f"seizure:{seizure.pk}"]})
    assert edge_pairs(run, ledger) == {("buyer", "vendor"), ("vendor", "exch")}
    first = next(e for e in run.result["edges"] if e["source"] == f"a:{ledger.accounts['buyer'].pk}")
    assert first["crypto_tx"] == [order.pk] and first["tx"] == []
    assert Decimal(first["sum"]) == Decimal("15000.00")  # 0.3 BTC at 50,000 EUR
    assert run.seizure == seizure


def test_trace_reads_only_what_the_user_may_see(ledger, fiu_ledger, run_analysis):
    ledger.tx("A", "B", 1000, day=1)
    fiu_ledger.tx("B", "C", 900, day=2)  # from an STR: FIU intelligence
    seed = [f"account:{ledger.accounts['A'].pk}"]
    as_lead = run_analysis("trace", {"seeds": seed}, by="lead")
    assert edge_pairs(as_lead, ledger) == {("A", "B")} and as_lead.handling == Handling.TEAM
    as_analyst = run_analysis("trace", {"seeds": seed}, by="analyst")
    names = {f"a:{a.pk}": label for label, a in {**ledger.accounts, **fiu_ledger.accounts}.items()}
    assert {(names[e["source"]], names[e["target"]]) for e in as_analyst.result["edges"]} == {("A", "B"), ("B", "C")}
    assert as_analyst.handling == Handling.FIU
