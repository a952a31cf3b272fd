"""The demo case gains the border-crossing seizure; loading twice changes nothing."""
import pytest

from cases.demo import demo_load
from cases.models import DeconflictionHit
from seizures.models import CustodyEvent, Firearm, Seizure, TracingRequest


@pytest.mark.django_db
def test_demo_seizure_is_realistic_and_idempotent():
    demo = demo_load(password="x-demo-password-123")
    seizure = Seizure.objects.get(case=demo.case, reference="CUS-BAJ-0147")
    firearms = Firearm.objects.filter(seizure=seizure)
    assert firearms.filter(weapon_type="pistol").count() == 5
    assert firearms.filter(converted=True).count() == 3
    assert firearms.filter(marking_status="obliterated").count() == 1
    assert seizure.ammunitions.count() == 2
    assert CustodyEvent.objects.filter(case=demo.case, kind="examined").exists()
    tracing = TracingRequest.objects.filter(case=demo.case)
    assert tracing.filter(status="responded").count() == 1
    assert any(t.is_overdue(demo.today) for t in tracing)
    hit = DeconflictionHit.objects.get(case=demo.case, subject_type="seizures.Firearm")
    assert hit.other_case == demo.other_case and hit.match_type == "exact"
    counts = (Seizure.objects.count(), Firearm.objects.count(), CustodyEvent.objects.count())
    demo_load(password="x-demo-password-123")
    assert (Seizure.objects.count(), Firearm.objects.count(), CustodyEvent.objects.count()) == counts
