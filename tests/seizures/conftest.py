"""The seizure of the stories: customs stop a lorry at the eastern border crossing."""
from datetime import timedelta

import pytest
from django.utils import timezone

from seizures import services


def record_seizure(world, by="investigator", **fields):
    defaults = dict(occurred_at=timezone.now() - timedelta(days=3), country="HR", region="Vukovar-Srijem",
                    place="Bajakovo border crossing", context="border_crossing", legal_basis="illicit_possession",
                    route_departure="RS", route_destination="AT", concealment="false floor of the trailer")
    defaults.update(fields)
    return services.seizure_record(case=defaults.pop("case", world.case), by=world.users[by], **defaults)


def record_firearm(seizure, user, **fields):
    defaults = dict(weapon_type="pistol", make="Zastava", model="CZ99", calibre="9x19mm", serial_as_read="A12-345",
                    country_of_manufacture="RS")
    defaults.update(fields)
    return services.firearm_record(seizure=seizure, by=user, **defaults)


@pytest.fixture
def seizure(world):
    return record_seizure(world)


@pytest.fixture
def firearm(world, seizure):
    return record_firearm(seizure, world.users["investigator"])
