"""Chain of custody: append-only, in order, closed by destruction; gaps shown as warnings."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from seizures import selectors, services
from seizures.models import CustodyEvent


@pytest.fixture
def t0(seizure):
    return seizure.occurred_at


def add(world, item, kind, at, by="investigator", **fields):
    return services.custody_record(item=item, by=world.users[by], kind=kind, occurred_at=at, **fields)


def test_a_clean_chain_has_no_warnings(world, firearm, t0):
    add(world, firearm, "seized", t0, to_holder="Insp. Varga", to_location="Bajakovo crossing")
    add(world, firearm, "received", t0 + timedelta(hours=4), from_holder="Insp. Varga", from_location="Bajakovo crossing",
        to_holder="Evidence store", to_location="Customs HQ store B")
    add(world, firearm, "sent_to_lab", t0 + timedelta(days=1), from_holder="Evidence store",
        from_location="Customs HQ store B", to_holder="Forensic lab", to_location="Forensic Science Centre")
    events = selectors.custody_chain(user=world.users["observer"], item=firearm)
    assert [e.sequence for e in events] == [1, 2, 3]
    assert selectors.custody_gaps(events) == []


def test_the_chain_starts_with_the_seizure(world, firearm, t0):
    with pytest.raises(ValidationError) as err:
        add(world, firearm, "received", t0, to_holder="Store", to_location="B")
    assert "starts with the seizure" in str(err.value)
    add(world, firearm, "seized", t0, to_holder="Varga", to_location="Crossing")
    with pytest.raises(ValidationError) as err:
        add(world, firearm, "seized", t0 + timedelta(hours=1))
    assert "already recorded" in str(err.value)


def test_events_out_of_order_are_refused(world, firearm, t0):
    add(world, firearm, "seized", t0, to_holder="Varga", to_location="Crossing")
    add(world, firearm, "received", t0 + timedelta(hours=5), to_holder="Store", to_location="B")
    with pytest.raises(ValidationError) as err:
        add(world, firearm, "moved", t0 + timedelta(hours=2), to_holder="Lab", to_location="C")
    assert "occurred_at" in err.value.message_dict
    assert "recorded in order" in err.value.message_dict["occurred_at"][0]
    assert CustodyEvent.objects.filter(firearm=firearm).count() == 2


def test_custody_cannot_start_before_the_seizure_or_be_in_the_future(world, firearm, t0):
    with pytest.raises(ValidationError, match="before the seizure"):
        add(world, firearm, "seized", t0 - timedelta(days=1))
    with pytest.raises(ValidationError, match="future"):
        add(world, firearm, "seized", timezone.now() + timedelta(days=1))


def test_destruction_closes_the_chain(world, firearm, t0):
    add(world, firearm, "seized", t0, to_holder="Varga", to_location="Crossing")
    with pytest.raises(ValidationError) as err:
        add(world, firearm, "destroyed", t0 + timedelta(days=1))
    assert set(err.value.message_dict) == {"method"}
    add(world, firearm, "destroyed", t0 + timedelta(days=1), method="Cut with a plasma torch",
        witnesses="Insp. Varga, prosecutor Okafor")
    with pytest.raises(ValidationError) as err:
        add(world, firearm, "moved", t0 + timedelta(days=2), to_holder="Store", to_location="B")
    assert "accepts no further custody events" in err.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as err:
        add(world, firearm, "destroyed", t0 + timedelta(days=2), method="again", witnesses="x")
    assert "cannot be destroyed twice" in err.value.message_dict["kind"][0]
    assert selectors.is_destroyed(selectors.custody_chain(user=world.users["lead"], item=firearm))


def test_events_are_append_only(world, firearm, t0):
    event = add(world, firearm, "seized", t0, to_holder="Varga", to_location="Crossing")
    event.notes = "changed"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_gap_detection(world, firearm, t0):
    add(world, firearm, "seized", t0, to_holder="Insp. Varga", to_location="Bajakovo crossing")
    # handed over by someone who did not hold it, from a place where it was not
    add(world, firearm, "received", t0 + timedelta(hours=3), from_holder="Sgt. Horvat", from_location="Zagreb",
        to_holder="Evidence store", to_location="Store B")
    # nobody holds it in transit
    add(world, firearm, "sent_to_lab", t0 + timedelta(days=1), from_holder="Evidence store", from_location="Store B")
    warnings = [w.message for w in selectors.custody_gaps(selectors.custody_chain(user=world.users["lead"], item=firearm))]
    assert any("Handed over by Sgt. Horvat" in m and "Insp. Varga" in m for m in warnings)
    assert any("Taken from Zagreb" in m and "Bajakovo crossing" in m for m in warnings)
    assert any(m.startswith("Nobody is recorded as holding the item") and m.endswith("until now.") for m in warnings)
    assert len(warnings) == 4  # plus: no location after the last event


def test_an_item_without_events_is_a_gap(world, firearm):
    assert [w.message for w in selectors.custody_gaps([])] == ["No custody events are recorded for this item."]


def test_parts_and_ammunition_have_their_own_chain(world, seizure, t0):
    ammo = services.ammunition_record(seizure=seizure, by=world.users["investigator"], calibre="9x19mm", quantity=150,
                                      headstamp="PPU 9mm Luger", lot_number="L-2291")
    part = services.part_record(seizure=seizure, by=world.users["investigator"], kind="barrel", quantity=2)
    add(world, ammo, "seized", t0, to_holder="Varga", to_location="Crossing")
    add(world, part, "seized", t0, to_holder="Varga", to_location="Crossing")
    assert CustodyEvent.objects.filter(ammunition=ammo).get().sequence == 1
    assert CustodyEvent.objects.filter(part=part).get().sequence == 1


def test_observers_cannot_record_custody(world, firearm, t0):
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        add(world, firearm, "seized", t0, by="observer")
