"""Identifiers, holders, origin links, letters and cooperation records."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services as case_services
from cases.models import AuditEvent, DeconflictionHit, EvidenceFile
from cases.selectors import case_summary, timeline
from finance.recovery import services
from finance.recovery.models import RequestLetter

from .conftest import advance, make_asset


@pytest.mark.django_db
@pytest.mark.parametrize("kind,value,chain,normalized", [
    ("iban", "hr12 1001 0051 8630 0016 0", "", "HR1210010051863000160"),
    ("crypto_address", "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", "bitcoin", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
    ("vin", "wauzzz4m0hd012345", "", "WAUZZZ4M0HD012345"),
    ("imo", "IMO 9074729", "", "IMO9074729"),
    ("aircraft_registration", "9a-dbr", "", "9ADBR"),
    ("isin", "US0378331005", "", "US0378331005"),
    ("land_registry", "k.o. Trnje, z.k.ul. 1234/5", "", "KOTRNJEZKUL12345"),
])
def test_identifiers_are_validated_and_normalized(world, kind, value, chain, normalized):
    identifier = services.identifier_add(asset=make_asset(world), by=world.users["asset"], kind=kind, value=value, chain=chain)
    assert identifier.value_normalized == normalized


@pytest.mark.django_db
@pytest.mark.parametrize("kind,value,chain,message", [
    ("iban", "HR1210010051863000161", "", "IBAN “HR1210010051863000161”: not a valid IBAN"),
    ("crypto_address", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx", "btc", "bech32 checksum does not match"),
    ("crypto_address", "0x52908400098527886E0F7030069857D2E4169EE7", "", "Name the blockchain"),
    ("vin", "WAUZZZ4M0HD01234", "", "a VIN has 17 characters, this one has 16"),
    ("vin", "1M8GDM9AXKP042789", "", "check digit (9th character) should be"),
    ("imo", "IMO 9074728", "", "the IMO check digit should be 9"),
    ("isin", "US0378331006", "", "not a valid ISIN"),
])
def test_bad_identifiers_are_refused_with_a_reason(world, asset, kind, value, chain, message):
    with pytest.raises(ValidationError) as err:
        services.identifier_add(asset=asset, by=world.users["asset"], kind=kind, value=value, chain=chain)
    assert message in " ".join(err.value.messages)


@pytest.mark.django_db
def test_same_iban_in_another_case_is_deconflicted(world, asset):
    other = make_asset(world, by="outsider", case=world.other_case, label="Beta account")
    services.identifier_add(asset=other, by=world.users["outsider"], kind="iban", value="HR1210010051863000160")
    hit = DeconflictionHit.objects.get()
    assert hit.case == world.other_case and hit.other_case == world.case


@pytest.mark.django_db
def test_holders_are_case_entities_with_shares_up_to_100_percent(world, asset):
    by = world.users["asset"]
    a = case_services.entity_create(case=world.case, by=by, kind="person", name="Dario")
    b = case_services.entity_create(case=world.case, by=by, kind="organisation", name="Shell Ltd")
    services.holder_add(asset=asset, by=by, entity=a, role="beneficial_owner", share_percent="60")
    with pytest.raises(ValidationError) as err:
        services.holder_add(asset=asset, by=by, entity=b, role="beneficial_owner", share_percent="50")
    assert "110" in err.value.message_dict["share_percent"][0]
    services.holder_add(asset=asset, by=by, entity=b, role="holder", share_percent="100")
    stranger = case_services.entity_create(case=world.other_case, by=world.users["outsider"], kind="person", name="X")
    with pytest.raises(ValidationError, match="does not exist") as err:  # named like a missing id
        services.holder_add(asset=asset, by=by, entity=stranger)
    assert "OP-BETA" not in str(err.value) and "X" not in str(err.value)


@pytest.mark.django_db
def test_origin_links_only_to_visible_records_of_the_same_case(world, asset):
    by = world.users["asset"]
    doc = case_services.evidence_upload(case=world.case, by=world.users["lead"],
                                        upload=SimpleUploadedFile("o.csv", b"a,b\n1,2\n", "text/csv"))
    link = services.origin_link(asset=asset, by=by, kind="evidence", target=doc, explanation="Bank reply")
    assert link.label == str(doc)
    with pytest.raises(ValidationError, match="already linked"):
        services.origin_link(asset=asset, by=by, kind="evidence", target=doc)
    fiu_doc = case_services.evidence_upload(case=world.case, by=world.users["analyst"], handling="fiu",
                                            upload=SimpleUploadedFile("s.csv", b"a,b\n1,2\n", "text/csv"))
    with pytest.raises(ValidationError, match="does not exist"):
        services.origin_link(asset=asset, by=by, kind="evidence", target=fiu_doc)
    other_doc = case_services.evidence_upload(case=world.other_case, by=world.users["outsider"],
                                              upload=SimpleUploadedFile("b.csv", b"a,b\n1,2\n", "text/csv"))
    with pytest.raises(ValidationError, match="does not exist") as err:
        services.origin_link(asset=asset, by=world.users["lead"], kind="evidence", target=other_doc)
    assert "b.csv" not in str(err.value) and "OP-BETA" not in str(err.value)


@pytest.mark.django_db
def test_freeze_letter_is_drafted_edited_and_issued_as_audited_evidence(world, asset):
    by = world.users["asset"]
    letter = services.freeze_request_draft(case=world.case, by=by, assets=[asset], addressee="Adriatic Bank d.d.",
                                           legal_basis="CPC art. 557.a",
                                           endpoints=[{"chain": "btc", "address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                                                       "amount": "0.84", "asset": "BTC", "analysis": "7"}])
    assert "case OP-ALPHA" in letter.body and "CPC art. 557.a" in letter.body
    assert "HR1210010051863000160" in letter.body and "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq" in letter.body
    services.letter_update(letter=letter, by=by, body=letter.body + "\nUrgent: funds are being moved.\n")
    issued = services.letter_issue(letter=letter, by=by)
    evidence = EvidenceFile.objects.get(pk=issued.evidence_id)
    assert issued.status == RequestLetter.Status.ISSUED and evidence.content_type == "application/pdf"
    assert evidence.case == world.case and len(evidence.sha256) == 64
    assert set(AuditEvent.objects.filter(object_id=str(letter.pk), action__startswith="letter.")
               .values_list("action", flat=True)) == {"letter.draft", "letter.update", "letter.issue"}
    with pytest.raises(ValidationError, match="has already been issued"):
        services.letter_issue(letter=issued, by=by)
    with pytest.raises(ValidationError, match="issued"):
        services.letter_update(letter=issued, by=by, body="changed")


@pytest.mark.django_db
def test_a_letter_resting_on_fiu_intelligence_waits_for_release(world):
    analyst = world.users["analyst"]
    fiu_asset = make_asset(world, by="analyst", label="STR account", handling="fiu")
    letter = services.freeze_request_draft(case=world.case, by=analyst, assets=[fiu_asset], addressee="Bank",
                                           legal_basis="AML Act art. 116 (postponement)")
    assert letter.handling == "fiu"
    with pytest.raises(ValidationError, match="FIU must release"):
        services.letter_issue(letter=letter, by=analyst)
    case_services.record_release_fiu(record=letter, by=analyst, reason="FIU consents.")
    letter.refresh_from_db()
    assert services.letter_issue(letter=letter, by=analyst).status == "issued"


@pytest.mark.django_db
def test_a_letter_needs_assets_or_endpoints_and_a_legal_basis(world, asset):
    with pytest.raises(ValidationError) as err:
        services.freeze_request_draft(case=world.case, by=world.users["asset"], addressee="Bank", legal_basis="CPC")
    assert "assets" in err.value.message_dict
    with pytest.raises(ValidationError, match="Endpoint 1"):
        services.freeze_request_draft(case=world.case, by=world.users["asset"], addressee="Bank", legal_basis="CPC",
                                      endpoints=[{"chain": "btc", "address": "not-an-address"}])


@pytest.mark.django_db
def test_sharing_shares_sum_to_at_most_100_percent(world, asset):
    by = world.users["prosecutor"]
    agreement = services.sharing_create(case=world.case, by=by, reference="ASA-1", assets=[asset],
                                        shares=[("HR", "60"), ("AT", "40")])
    assert agreement.total_percent == Decimal("100")
    with pytest.raises(ValidationError, match="add up to 100.01%"):
        services.sharing_create(case=world.case, by=by, reference="ASA-2", shares=[("HR", "60"), ("AT", "40.01")])
    with pytest.raises(ValidationError, match="named twice"):
        services.sharing_create(case=world.case, by=by, reference="ASA-3", shares=[("HR", "10"), ("hrv", "10")])
    with pytest.raises(ValidationError, match="ISO 3166"):
        services.sharing_create(case=world.case, by=by, reference="ASA-4", shares=[("XX", "10")])
    services.sharing_set_shares(agreement=agreement, by=world.users["lead"], shares=[("HR", "50"), ("LU", "25")])
    assert agreement.total_percent == Decimal("75")


@pytest.mark.django_db
def test_mla_request_states_are_iso_codes_and_dates_make_sense(world, asset):
    by = world.users["prosecutor"]
    mla = services.mla_create(case=world.case, by=by, reference="MLA-1", requesting_state="hrv",
                              requested_state="LU", assets=[asset], sent_on=date(2026, 1, 5))
    assert (mla.requesting_state, mla.requested_state) == ("HR", "LU")
    with pytest.raises(ValidationError, match="must differ"):
        services.mla_create(case=world.case, by=by, reference="MLA-2", requesting_state="HR", requested_state="HR")
    with pytest.raises(ValidationError, match="before it was sent"):
        services.mla_update(mla=mla, by=world.users["lead"], received_on=date(2026, 1, 1))


@pytest.mark.django_db
def test_timeline_and_summary_show_assets_and_measures(world, asset):
    advance(world, asset, "frozen", issued_on=date.today(), expires_on=date.today().replace(year=date.today().year + 1))
    items = timeline(user=world.users["observer"], case=world.case)
    kinds = {i.kind for i in items}
    assert {"Asset", "Legal measure"} <= kinds
    summary = {c.label: c.count for c in case_summary(user=world.users["observer"], case=world.case)}
    assert summary["Assets"] == 1 and summary["Assets frozen or seized"] == 1
    fiu_asset = make_asset(world, by="analyst", label="STR account", handling="fiu")
    assert "Asset identified: STR account" not in {i.title for i in timeline(user=world.users["observer"], case=world.case)}
    assert fiu_asset.pk
