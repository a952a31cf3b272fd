"""Every allowed and every refused transition of an asset's legal state."""
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import AuditEvent
from finance.recovery import services, states
from finance.recovery.models import Asset, AssetState, LegalMeasure

from .conftest import advance, make_asset

ALL = list(AssetState.values)
# The path that brings a fresh asset into each state.
PATH = {
    "identified": [],
    "freeze_requested": ["freeze_requested"],
    "frozen": ["freeze_requested", "frozen"],
    "seized": ["freeze_requested", "frozen", "seized"],
    "confiscated": ["freeze_requested", "frozen", "seized", "confiscated"],
    "forfeited": ["freeze_requested", "frozen", "seized", "forfeited"],
    "disposed": ["freeze_requested", "frozen", "seized", "confiscated", "disposed"],
    "returned": ["freeze_requested", "frozen", "seized", "forfeited", "returned"],
    "shared": ["freeze_requested", "frozen", "seized", "confiscated", "shared"],
    "released": ["released"],
}
EXPECTED_ALLOWED = {
    ("identified", "freeze_requested"), ("identified", "frozen"), ("identified", "seized"), ("identified", "released"),
    ("freeze_requested", "frozen"), ("freeze_requested", "released"),
    ("frozen", "frozen"), ("frozen", "seized"), ("frozen", "released"),
    ("seized", "confiscated"), ("seized", "forfeited"), ("seized", "released"),
    ("confiscated", "disposed"), ("confiscated", "returned"), ("confiscated", "shared"), ("confiscated", "released"),
    ("forfeited", "disposed"), ("forfeited", "returned"), ("forfeited", "shared"), ("forfeited", "released"),
}


def test_the_table_is_the_documented_machine():
    table = {(a, b) for a, nexts in states.TRANSITIONS.items() for b in nexts}
    assert table == EXPECTED_ALLOWED
    assert states.TERMINAL == {"disposed", "returned", "shared", "released"}


def _asset_in(world, state):
    asset = make_asset(world, label=f"Asset {state}")
    for step in PATH[state]:
        advance(world, asset, step)
    asset.refresh_from_db()
    assert asset.state == state
    return asset


@pytest.mark.django_db
def test_every_transition_is_allowed_or_refused_as_the_table_says(world):
    for from_state in ALL:
        for to_state in ALL:
            asset = _asset_in(world, from_state)
            measures_before = LegalMeasure.objects.filter(asset=asset).count()
            if (from_state, to_state) in EXPECTED_ALLOWED:
                measure = advance(world, asset, to_state)
                asset.refresh_from_db()
                assert asset.state == to_state, (from_state, to_state)
                assert measure.from_state == from_state
                assert AuditEvent.objects.filter(action=f"asset.measure.{to_state}", object_id=str(measure.pk)).exists()
            else:
                with pytest.raises(ValidationError) as err:
                    advance(world, asset, to_state)
                message = " ".join(err.value.messages)
                assert "cannot become" in message or "final" in message, (from_state, to_state, message)
                asset.refresh_from_db()
                assert asset.state == from_state
                assert LegalMeasure.objects.filter(asset=asset).count() == measures_before


@pytest.mark.django_db
def test_refusal_names_the_states_and_what_is_possible(world, asset):
    with pytest.raises(ValidationError) as err:
        advance(world, asset, "confiscated")
    assert err.value.message_dict["to_state"] == [
        "An asset that is identified cannot become confiscated (conviction-based); it can next be: "
        "freeze requested, frozen / restrained, seized, released."]


@pytest.mark.django_db
def test_release_needs_a_reason(world, asset):
    with pytest.raises(ValidationError) as err:
        advance(world, asset, "released", reason="  ")
    assert "reason" in err.value.message_dict
    assert Asset.objects.get(pk=asset.pk).state == "identified"


@pytest.mark.django_db
def test_a_measure_on_an_asset_of_another_case_is_refused(world):
    other_asset = make_asset(world, by="outsider", case=world.other_case, label="Beta account")
    with pytest.raises(ValidationError) as err:
        services.measure_record(case=world.case, by=world.users["asset"], asset=other_asset, to_state="frozen",
                                authority="Court", legal_basis="CPC", issued_on=date(2026, 2, 1))
    assert err.value.message_dict["asset"] == [f'Invalid pk "{other_asset.pk}" - object does not exist.']
    assert Asset.objects.get(pk=other_asset.pk).state == "identified"
    assert not LegalMeasure.objects.filter(asset=other_asset).exists()


@pytest.mark.django_db
def test_a_member_of_the_other_case_cannot_act_on_our_asset_through_their_case(world, asset):
    with pytest.raises(ValidationError):
        services.measure_record(case=world.other_case, by=world.users["outsider"], asset=asset, to_state="frozen",
                                authority="Court", legal_basis="CPC", issued_on=date(2026, 2, 1))
    with pytest.raises(PermissionDenied):
        services.measure_record(case=world.case, by=world.users["outsider"], asset=asset, to_state="frozen",
                                authority="Court", legal_basis="CPC", issued_on=date(2026, 2, 1))


@pytest.mark.django_db
def test_observer_may_not_record_measures_but_prosecutor_may(world, asset):
    with pytest.raises(PermissionDenied):
        advance(world, asset, "freeze_requested", by="observer")
    advance(world, asset, "freeze_requested", by="prosecutor")


@pytest.mark.django_db
def test_a_new_measure_supersedes_the_old_one_and_its_deadline(world, asset):
    freeze = advance(world, asset, "frozen", expires_on=date(2026, 5, 1))
    renewal = advance(world, asset, "frozen", issued_on=date(2026, 4, 20), expires_on=date(2026, 8, 1))
    freeze.refresh_from_db()
    assert freeze.superseded_at is not None and renewal.superseded_at is None and renewal.is_renewal


@pytest.mark.django_db
def test_order_dates_must_make_sense(world, asset):
    with pytest.raises(ValidationError) as err:
        advance(world, asset, "frozen", issued_on=date(2026, 2, 1), expires_on=date(2026, 1, 1),
                served_on=date(2026, 1, 20))
    assert set(err.value.message_dict) == {"expires_on", "served_on"}
