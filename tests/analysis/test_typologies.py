"""Each detector on a small hand-made ledger with a known answer; decisions survive re-runs."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from finance.analysis import services
from finance.analysis.models import Alert, ListEntry


def alerts(run, typology):
    return list(Alert.objects.filter(run=run, typology=typology))


def evidence_labels(alert, ledger):
    names = {a.pk: label for label, a in ledger.accounts.items()}
    return sorted((names.get(t.debit_account_id), names.get(t.credit_account_id), t.amount)
                  for t in alert.evidence.all())


def test_structuring_series_below_threshold(ledger, run_analysis):
    for day, amount in [(0, 9500), (1, 9800), (3, 9900), (4, 9700)]:
        ledger.tx(None, "S", amount, day=day, channel="cash_deposit")
    ledger.tx(None, "S", 12000, day=2, channel="cash_deposit")  # above the threshold: not part of it
    ledger.tx(None, "S", 9900, day=40, channel="cash_deposit")  # alone, weeks later
    for day in (0, 10, 20):  # three deposits below threshold, but far apart: no alert
        ledger.tx(None, "T", 9600, day=day, channel="cash_deposit")
    run = run_analysis("typologies")
    found = alerts(run, "structuring")
    assert len(found) == 1
    a = found[0]
    assert a.subject == ledger.accounts["S"]
    assert a.evidence.count() == 4 and a.total_amount == Decimal("38900.00")
    assert "just below" in a.explanation and "10,000" in a.explanation
    assert 0 < a.score <= 1


def test_fan_in_and_fan_out(ledger, run_analysis):
    for i in range(8):
        ledger.tx(f"P{i}", "COLLECT", 500 + i, day=1, hours=i)
    for i in range(8):
        ledger.tx("DISTRIB", f"Q{i}", 300, day=5, hours=i)
    for i in range(8):  # many senders, but spread over months: no fan-in
        ledger.tx(f"R{i}", "SLOW", 500, day=i * 20)
    run = run_analysis("typologies", {"settings": {"pass_through": {"enabled": False}}})
    fan_in = alerts(run, "fan_in")
    fan_out = alerts(run, "fan_out")
    assert [a.subject for a in fan_in] == [ledger.accounts["COLLECT"]]
    assert fan_in[0].evidence.count() == 8 and fan_in[0].details["counterparties"] == 8
    assert [a.subject for a in fan_out] == [ledger.accounts["DISTRIB"]]


def test_round_trip_cycle_time_respecting(ledger, run_analysis):
    ledger.tx("O", "I1", 10000, day=1)
    ledger.tx("I1", "I2", 9800, day=2)
    ledger.tx("I2", "I3", 9600, day=3)
    ledger.tx("I3", "O", 9400, day=4)
    # a cycle that is not time-respecting from any starting point (each step happens before the previous one)
    ledger.tx("K", "L1", 5000, day=11)
    ledger.tx("L1", "L2", 4900, day=10)
    ledger.tx("L2", "K", 4800, day=9)
    # a cycle returning only a fraction
    ledger.tx("M", "N1", 8000, day=1)
    ledger.tx("N1", "M", 1000, day=2)
    run = run_analysis("typologies")
    found = alerts(run, "round_trip")
    assert len(found) == 1
    a = found[0]
    assert a.subject == ledger.accounts["O"]
    assert evidence_labels(a, ledger) == sorted([("O", "I1", Decimal("10000")), ("I1", "I2", Decimal("9800")),
                                                 ("I2", "I3", Decimal("9600")), ("I3", "O", Decimal("9400"))])
    assert "94 %" in a.explanation


def test_pass_through(ledger, run_analysis):
    for day in (1, 5, 9):
        ledger.tx("SRC", "MULE", 5000, day=day)
        ledger.tx("MULE", "DEST", 4900, day=day, hours=6)
    # an account that keeps what it receives
    for day in (1, 5, 9):
        ledger.tx("SRC", "SAVER", 5000, day=day)
    ledger.tx("SAVER", "DEST", 100, day=10)
    run = run_analysis("typologies", {"settings": {"fan_in": {"enabled": False}}})
    found = alerts(run, "pass_through")
    assert [a.subject for a in found] == [ledger.accounts["MULE"]]
    assert found[0].evidence.count() == 6


def test_scatter_gather(ledger, run_analysis):
    for i, amount in enumerate([3000, 3500, 4000]):
        ledger.tx("BOSS", f"MID{i}", amount, day=1)
        ledger.tx(f"MID{i}", "SINK", amount - 100, day=3 + i)
    ledger.tx("BOSS", "MID9", 3000, day=1)  # a fourth leg that does not recombine
    run = run_analysis("typologies", {"settings": {"pass_through": {"enabled": False}}})
    found = alerts(run, "scatter_gather")
    assert len(found) == 1
    a = found[0]
    assert a.subject == ledger.accounts["BOSS"] and a.details["intermediaries"] == 3
    assert a.evidence.count() == 6


def test_listed_counterparties_and_jurisdictions(ledger, run_analysis, world):
    ledger.account("KP-ACC", country="KP")
    ledger.account("SHELL", holder="Oceanic Trading Ltd")
    ledger.tx("A", "KP-ACC", 2000, day=1)
    ledger.tx("B", "SHELL", 3000, day=2)
    ledger.tx("A", "C", 100, day=3)
    analyst = world.users["analyst"]
    upload = SimpleUploadedFile("fatf.csv", b"kind,value,reason\njurisdiction,PRK,FATF call for action\n"
                                            b"name,OCEANIC TRADING LIMITED,adverse media\n", "text/csv")
    assert services.list_import(case=world.case, by=analyst, upload=upload, list_name="Watch") == 2
    run = run_analysis("typologies")
    found = {tuple(sorted(evidence_labels(a, ledger))[0][:2]) for a in alerts(run, "listed")}
    assert found == {("A", "KP-ACC"), ("B", "SHELL")}


def test_list_import_errors_name_the_row_and_change_nothing(world):
    bad = SimpleUploadedFile("bad.csv", b"kind,value\njurisdiction,HR\njurisdiction,XX\nplanet,Mars\n", "text/csv")
    with pytest.raises(ValidationError) as exc:
        services.list_import(case=world.case, by=world.users["analyst"], upload=bad, list_name="L")
    text = str(exc.value)
    assert "bad.csv row 3" in text and "'XX'" in text and "row 4" in text
    assert not ListEntry.objects.exists()


def test_dismissed_alert_stays_dismissed_on_rerun(ledger, run_analysis, world):
    for day in range(4):
        ledger.tx(None, "S", 9500, day=day, channel="cash_deposit")
    run = run_analysis("typologies")
    alert = Alert.objects.get(run=run, typology="structuring")
    with pytest.raises(ValidationError):
        services.alert_decide(alert=alert, by=world.users["analyst"], status="dismissed", reason="")
    with pytest.raises(Exception):  # the observer may not decide
        services.alert_decide(alert=alert, by=world.users["observer"], status="dismissed", reason="x")
    services.alert_decide(alert=alert, by=world.users["analyst"], status="dismissed", reason="Salary of a shop owner")
    again = run_analysis("typologies")
    same = Alert.objects.get(run=again, typology="structuring")
    assert same.fingerprint == alert.fingerprint
    assert same.status == "dismissed" and same.decision_reason == "Salary of a shop owner"
    assert again.summary["decisions_kept"] == 1
    # new evidence gives a new pattern, open again
    ledger.tx(None, "S", 9900, day=4, channel="cash_deposit")
    third = run_analysis("typologies")
    assert Alert.objects.get(run=third, typology="structuring").status == "open"


def test_detector_settings_are_validated_and_applied(ledger, run_analysis, world):
    with pytest.raises(ValidationError, match="structuring.threshold"):
        services.detector_settings_update(case=world.case, by=world.users["analyst"],
                                          settings={"structuring": {"threshold": "lots"}})
    with pytest.raises(ValidationError, match="Unknown detector"):
        services.detector_settings_update(case=world.case, by=world.users["analyst"], settings={"smurfs": {}})
    for day in range(3):
        ledger.tx(None, "S", 14500, day=day, channel="cash_deposit")
    assert not alerts(run_analysis("typologies"), "structuring")
    services.detector_settings_update(case=world.case, by=world.users["analyst"],
                                      settings={"structuring": {"threshold": 15000}})
    assert len(alerts(run_analysis("typologies"), "structuring")) == 1


def test_busy_accounts_are_not_reported_as_fan_in(ledger, run_analysis):
    for i in range(9):
        ledger.tx(f"P{i}", "PROCESSOR", 100, day=1, hours=i)
    run = run_analysis("typologies", {"settings": {"fan_in": {"max_degree": 5}}})
    assert not alerts(run, "fan_in")
    run = run_analysis("typologies", {"settings": {"fan_in": {"max_degree": 0}}})
    assert [a.subject for a in alerts(run, "fan_in")] == [ledger.accounts["PROCESSOR"]]
