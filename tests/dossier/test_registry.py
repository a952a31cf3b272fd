"""Other apps add sections through the registry; the dossier picks them up."""
import pytest
from django.core.exceptions import ValidationError

from cases.dossier import base
from cases.dossier import services as dossier_services
from cases.models import Note
from cases.registry import contributions
from tests.dossier.conftest import normalized, pdf_text, render

pytestmark = pytest.mark.django_db


class FakeSeizures(base.DossierSection):
    key, title, order = "fake-seizures", "Seizures (test section)", 400
    template = "dossier/sections/chronology.html"  # any template that shows `data.entries`

    def applies(self, case):
        return case.reference == "OP-ALPHA"

    def collect(self, case, user, period):
        notes = list(base.dossier_records(Note, case=case, user=user))
        entry = base.ChronologyEntry(case.opened_on, "Seizure", "Twelve pistols seized at the crossing")
        return base.SectionContent(data={"entries": [entry]}, records=[base.record_ref(n) for n in notes],
                                   chronology=[entry], count=1)


@pytest.fixture
def fake_section():
    section = base.register_section(FakeSeizures())
    yield section
    contributions().dossier_sections.remove(section)


def test_a_registered_section_is_rendered_in_order_and_feeds_the_chronology(world, content, fake_section):
    dossier, pdf = render(world, "prosecutor")
    assert dossier.sections == ["summary", "team", "persons", "chronology", "fake-seizures", "exhibits"]
    text = normalized(pdf_text(pdf))
    assert "5. Seizures (test section)" in text
    assert text.count("Twelve pistols seized at the crossing") == 2  # own section + chronology
    # the manifest's records came through dossier_records: unreleased FIU left out
    fake = next(s for s in dossier.manifest["sections"] if s["key"] == "fake-seizures")
    assert content.fiu_unreleased.pk not in {r["id"] for r in fake["records"]}
    assert content.fiu_released.pk in {r["id"] for r in fake["records"]}


def test_a_section_that_does_not_apply_cannot_be_requested(world, content, fake_section):
    with pytest.raises(ValidationError, match="fake-seizures"):
        dossier_services.dossier_request(case=world.other_case, by=world.users["outsider"],
                                         sections=["fake-seizures"], start_job=False)


def test_keys_are_unique_and_sections_complete():
    with pytest.raises(ValueError, match="already registered"):
        section = base.DossierSection()
        section.key, section.title, section.template = "summary", "Again", "x.html"
        base.register_section(section)
    with pytest.raises(ValueError, match="needs a key"):
        base.register_section(base.DossierSection())
