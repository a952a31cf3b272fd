"""Transfer documents: verification with method, parties of the case, restricted parties withheld."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services as case_services
from seizures import services


def test_verification_needs_a_method_and_diversion_is_visible(world, firearm, login):
    inv = world.users["investigator"]
    doc = services.transfer_document_record(case=world.case, by=inv, kind="end_user_certificate", number="EUC-7",
                                            issuing_authority="MoD", issuing_country="rs", firearms=[firearm],
                                            non_reexport_clause=True)
    assert doc.issuing_country == "RS" and doc.verification_status == "unverified"
    with pytest.raises(ValidationError) as err:
        services.transfer_document_update(document=doc, by=inv, verification_status="forged")
    assert "verification_method" in err.value.message_dict
    services.transfer_document_update(document=doc, by=inv, verification_status="forged",
                                      verification_method="Ministry denies issuing it (letter 2026/44)")
    page = login(inv).get(reverse("seizures:documents", kwargs={"reference": world.case.reference}),
                          {"verification_status": "forged"}).content.decode()
    assert "EUC-7" in page and "Forged" in page


def test_parties_and_firearms_must_belong_to_the_case(world, firearm):
    stranger = case_services.entity_create(case=world.other_case, by=world.users["outsider"], kind="organisation",
                                           name="Elsewhere Ltd")
    with pytest.raises(ValidationError) as err:
        services.transfer_document_record(case=world.case, by=world.users["lead"], kind="export_licence", number="1",
                                          issuing_authority="A", issuing_country="AT", broker=stranger)
    assert "broker" in err.value.message_dict


def test_an_agency_restricted_party_is_withheld_from_other_agencies(world, login):
    broker = case_services.entity_create(case=world.case, by=world.users["lead"], kind="person", name="Secret Broker",
                                         handling="agency")
    doc = services.transfer_document_record(case=world.case, by=world.users["lead"], kind="brokering_authorization",
                                            number="BA-1", issuing_authority="MoE", issuing_country="HR", broker=broker)
    url = reverse("seizures:document-detail", kwargs={"reference": world.case.reference, "pk": doc.pk})
    assert "Secret Broker" in login(world.users["asset"]).get(url).content.decode()  # police, same agency
    body = login(world.users["investigator"]).get(url).content.decode()  # customs
    assert "Secret Broker" not in body and "withheld" in body
