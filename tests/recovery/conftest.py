"""Assets of Operation Alpha for the asset-recovery stories."""
from datetime import date
from decimal import Decimal

import pytest

from finance.recovery import services


def make_asset(world, *, by="asset", case=None, kind="bank_account", label="Account at Adriatic Bank",
               value="1000.00", currency="EUR", valuation_date=date(2026, 1, 15), **extra):
    return services.asset_register(
        case=case or world.case, by=world.users[by], kind=kind, label=label, jurisdiction=extra.pop("jurisdiction", "HR"),
        estimated_value=Decimal(value) if value is not None else None, currency=currency if value is not None else "",
        valuation_date=valuation_date, **extra)


def advance(world, asset, to_state, *, by="asset", **extra):
    """Record a measure with sensible defaults."""
    extra.setdefault("issued_on", date(2026, 2, 1))
    if to_state == "released":
        extra.setdefault("reason", "Order quashed on appeal.")
    return services.measure_record(case=asset.case, by=world.users[by], asset=asset, to_state=to_state,
                                   authority="County Court", legal_basis="CPC art. 557.a", **extra)


@pytest.fixture
def asset(world):
    return make_asset(world, identifiers=[{"kind": "iban", "value": "HR1210010051863000160"}])
