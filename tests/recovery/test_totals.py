"""Totals in the case's reference currency from mixed currencies, with a known answer."""
from datetime import date
from decimal import Decimal

import pytest

from cases.services import case_open
from finance.models import FxRate
from finance.recovery import selectors

from .conftest import advance, make_asset


@pytest.fixture
def rates(db):
    for currency, quote, on, rate in [
        ("USD", "EUR", date(2026, 1, 1), "0.9000000000"),
        ("USD", "EUR", date(2026, 1, 20), "0.8000000000"),   # later than the valuation dates used below
        ("CHF", "EUR", date(2026, 1, 10), "1.0500000000"),
        ("EUR", "GBP", date(2026, 1, 5), "0.8000000000"),    # only the inverse quote exists for GBP
    ]:
        FxRate.objects.create(currency=currency, quote_currency=quote, on=on, rate=Decimal(rate), source="test")


@pytest.fixture
def mixed(world, rates):
    a = {
        "eur": make_asset(world, label="EUR account", value="1000.00", currency="EUR"),
        "usd": make_asset(world, label="USD account", value="2000.00", currency="USD", valuation_date=date(2026, 1, 15)),
        "chf": make_asset(world, label="Swiss shares", kind="company_shares", value="500.00", currency="CHF",
                          valuation_date=date(2026, 1, 15)),
        "gbp": make_asset(world, label="London flat", kind="real_estate", value="400.00", currency="GBP",
                          valuation_date=date(2026, 1, 15)),
        "jpy": make_asset(world, label="Yen cash", kind="cash", value="100000", currency="JPY"),
        "none": make_asset(world, label="Watch", kind="valuables", value=None),
    }
    advance(world, a["eur"], "frozen")
    advance(world, a["usd"], "seized")
    advance(world, a["chf"], "seized")
    advance(world, a["chf"], "confiscated")
    advance(world, a["gbp"], "released")
    advance(world, a["jpy"], "frozen")
    return a


@pytest.mark.django_db
def test_case_totals_in_reference_currency(world, mixed):
    totals = selectors.case_totals(user=world.users["asset"], case=world.case)
    # EUR 1000 + USD 2000 × 0.90 (rate of 1 Jan, the last one on or before 15 Jan) = 1800
    # + CHF 500 × 1.05 = 525 + GBP 400 / 0.80 = 500; JPY has no rate; the watch has no value.
    assert totals.currency == "EUR"
    assert {r["key"]: r["amount"] for r in totals.rows} == {
        "identified": Decimal("3825.00"), "frozen": Decimal("1000.00"), "seized": Decimal("1800.00"),
        "confiscated": Decimal("525.00"), "released": Decimal("500.00")}
    assert {r["key"]: r["count"] for r in totals.rows} == {
        "identified": 6, "frozen": 2, "seized": 1, "confiscated": 1, "released": 1}
    assert [(a.label, reason) for a, reason in totals.missing] == [
        ("Yen cash", "no JPY→EUR rate on or before 15 Jan 2026")]
    assert [a.label for a in totals.unvalued] == ["Watch"]
    assert not totals.complete


@pytest.mark.django_db
def test_totals_across_cases_in_a_chosen_currency(world, mixed):
    lead = world.users["lead"]
    other = case_open(by=lead, reference="OP-GAMMA", title="Gamma", reference_currency="USD")
    make_asset(world, by="lead", case=other, label="Gamma boat", kind="vessel", value="900.00", currency="EUR")
    currency, per_case, overall = selectors.totals_across_cases(user=lead)
    assert currency == "EUR"  # the reference currency most of the lead's cases use (tie → first seen)
    by_ref = {case.reference: t for case, t in per_case}
    assert by_ref["OP-GAMMA"].currency == "USD"
    # EUR 900 in a USD case: needs a EUR→USD rate on or before 15 Jan: inverse of USD→EUR 0.90 = 1.1111…
    assert by_ref["OP-GAMMA"].amounts["identified"] == Decimal("1000.00")
    assert overall.amounts["identified"] == Decimal("4725.00")  # 3825 + 900
    # The outsider sees none of it.
    assert selectors.totals_across_cases(user=world.users["outsider"])[2].counts["identified"] == 0


@pytest.mark.django_db
def test_chart_values_follow_the_measure_dates(world, rates):
    eur = make_asset(world, label="EUR account", value="1000.00", currency="EUR")
    advance(world, eur, "frozen", issued_on=date(2025, 12, 10))
    advance(world, eur, "seized", issued_on=date(2026, 2, 3))
    labels, series = selectors.totals_over_time(user=world.users["asset"], currency="EUR", case=world.case,
                                                months=4, today=date(2026, 3, 10))
    assert labels == ["Dec 25", "Jan 26", "Feb 26", "Mar 26"]
    assert series["identified"] == [Decimal("1000.00")] * 4
    assert series["frozen"] == [Decimal("1000.00"), Decimal("1000.00"), 0, 0]
    assert series["seized"] == [0, 0, Decimal("1000.00"), Decimal("1000.00")]
