"""Entity resolution and cross-case deconfliction of imported accounts."""
import pytest
from django.core.exceptions import ValidationError

from cases import services as case_services
from cases.deconfliction import deconfliction_notices
from cases.models import DeconflictionHit, Notification
from finance.models import Party, ResolutionSuggestion, Transaction
from finance.normalize import name_normalized
from finance.resolution import suggestion_decide


@pytest.fixture
def kovac(world):
    entity = case_services.entity_create(case=world.case, by=world.users["lead"], kind="person", name="Dario Kovač")
    case_services.identifier_add(entity=entity, by=world.users["lead"], kind="passport", value="HR 0123 4567")
    return entity


def test_names_normalise_across_diacritics_order_and_legal_forms():
    assert name_normalized("Kovač, Dario") == name_normalized("DARIO KOVAC")
    assert name_normalized("Adriatic Freight Forwarding d.o.o.") == name_normalized("ADRIATIC FREIGHT FORWARDING DOO")
    assert name_normalized("Nordwaffen Handels GmbH") == "handels nordwaffen"


def test_identifier_match_is_suggested_and_confirmation_links_the_party(run_import, world, kovac):
    run_import("goaml_report.xml")
    suggestion = ResolutionSuggestion.objects.get(entity=kovac)
    assert suggestion.score == 100 and "HR01234567" in suggestion.reasons[0]
    suggestion_decide(suggestion=suggestion, by=world.users["analyst"], confirm=True)
    assert Party.objects.get(pk=suggestion.party_id).entity == kovac
    with pytest.raises(ValidationError, match="already been decided"):
        suggestion_decide(suggestion=suggestion, by=world.users["analyst"], confirm=False)


def test_rejected_suggestion_is_remembered(run_import, world, kovac):
    from finance.resolution import suggest_for_parties

    run_import("goaml_report.xml")
    suggestion = ResolutionSuggestion.objects.get(entity=kovac)
    suggestion_decide(suggestion=suggestion, by=world.users["analyst"], confirm=False)
    assert suggest_for_parties(case=world.case, by=world.users["analyst"], party_ids=[suggestion.party_id]) == 0
    assert ResolutionSuggestion.objects.get(entity=kovac).status == ResolutionSuggestion.Status.REJECTED


def test_parties_from_two_sources_are_suggested_and_merged(run_import, world):
    run_import("bank_export.csv", options={})
    run_import("statement.mt940")
    pair = ResolutionSuggestion.objects.get(party__name="Nordwaffen Handels GmbH", other_party__isnull=False)
    keep, merge = pair.other_party, pair.party
    suggestion_decide(suggestion=pair, by=world.users["analyst"], confirm=True)
    merge.refresh_from_db()
    assert merge.merged_into == keep
    assert not Transaction.objects.filter(credit_party=merge).exists()
    assert Transaction.objects.filter(credit_party=keep).count() == 2


def test_prosecutor_may_not_decide(run_import, world, kovac):
    from django.core.exceptions import PermissionDenied

    run_import("goaml_report.xml", handling="team")
    suggestion = ResolutionSuggestion.objects.get(entity=kovac)
    with pytest.raises(PermissionDenied):
        suggestion_decide(suggestion=suggestion, by=world.users["prosecutor"], confirm=True)


def test_account_in_another_case_gives_a_contact_notice(run_import, world):
    outsider = world.users["outsider"]
    run_import("bank_export.csv", by=outsider, case=world.other_case, options={})
    run_import("statement.mt940")
    hits = DeconflictionHit.objects.filter(case=world.case, kind="IBAN")
    assert {h.matched_value for h in hits} >= {"HR1210010051863000160", "AT442011182900012345"}
    notice = deconfliction_notices(user=world.users["analyst"], case=world.case)[0]
    assert "Another case holds" in notice.message and "Contact" in notice.message
    assert world.other_case.reference not in notice.message
    # The analyst's statement is unreleased FIU intelligence: the other side's non-FIU lead is not told.
    assert not Notification.objects.filter(recipient=outsider, case=world.other_case).exists()
