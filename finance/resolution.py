"""Entity resolution: which imported parties are case persons/organisations, or each other.

Suggestions come from identifiers (passport, company number …: score 100)
and from normalised names compared with rapidfuzz. The analyst confirms or
rejects each one: a confirmed party↔entity suggestion links the party, a
confirmed party↔party suggestion merges the two; a rejected pair is kept and
never suggested again.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from rapidfuzz import fuzz, process

from cases.access import Action
from cases.audit import audit_record
from cases.models import Entity, EntityIdentifier
from cases.services import require
from finance.models import Account, Party, ResolutionSuggestion, Transaction
from finance.normalize import name_normalized

NAME_THRESHOLD = 88  # token-sort ratio on normalised names
PARTY_THRESHOLD = 92


def _party_identifiers(party):
    return {i.get("normalized") for i in party.identifiers if i.get("normalized")}


def suggest_for_parties(*, case, by, party_ids) -> int:
    """Create open suggestions for the given (new) parties; pairs already decided are skipped."""
    if not party_ids:
        return 0
    parties = list(Party.objects.filter(pk__in=party_ids, merged_into__isnull=True, entity__isnull=True))
    entities = list(Entity.objects.filter(case=case))
    entity_names = {}
    for entity in entities:
        for name in [entity.name, *entity.aliases]:
            entity_names.setdefault(name_normalized(name), entity)
    entity_by_ident = {}
    for ident in EntityIdentifier.objects.filter(entity__case=case).select_related("entity"):
        entity_by_ident[ident.value_normalized] = ident.entity
    others = list(Party.objects.filter(case=case, merged_into__isnull=True).exclude(pk__in=party_ids)
                  .values("id", "name_normalized", "identifiers"))
    existing = set(ResolutionSuggestion.objects.filter(case=case).values_list("party_id", "entity_id", "other_party_id"))
    existing |= {(o, None, p) for p, _e, o in existing if o}
    created = []

    def add(party, score, reasons, entity=None, other_id=None):
        key = (party.pk, entity.pk if entity else None, other_id)
        mirror = (other_id, None, party.pk) if other_id else None
        if key in existing or (mirror and mirror in existing):
            return
        existing.add(key)
        created.append(ResolutionSuggestion(case=case, created_by=by, party=party, entity=entity,
                                            other_party_id=other_id, score=int(score), reasons=reasons))

    for party in parties:
        idents = _party_identifiers(party)
        matched_entities = set()
        for value in idents:
            entity = entity_by_ident.get(value)
            if entity and entity.pk not in matched_entities:
                matched_entities.add(entity.pk)
                add(party, 100, [f"same identifier {value}"], entity=entity)
        if party.name_normalized and entity_names:
            for name, score, _ in process.extract(party.name_normalized, list(entity_names), scorer=fuzz.token_sort_ratio,
                                                  score_cutoff=NAME_THRESHOLD, limit=3):
                entity = entity_names[name]
                if entity.pk not in matched_entities:
                    matched_entities.add(entity.pk)
                    add(party, score, [f"name “{party.name}” ≈ “{entity.name}” ({score:.0f}%)"], entity=entity)
        if not matched_entities:
            # Only parties that match no case person are compared with each other, and only with the best
            # candidate: one suggestion per new party, not one per pair.
            best = None
            for other in others:
                other_idents = {i.get("normalized") for i in other["identifiers"] if i.get("normalized")}
                if idents & other_idents:
                    best = (100, [f"same identifier {sorted(idents & other_idents)[0]}"], other["id"])
                    break
                if party.name_normalized and other["name_normalized"]:
                    score = fuzz.token_sort_ratio(party.name_normalized, other["name_normalized"])
                    if score >= PARTY_THRESHOLD and (best is None or score > best[0]):
                        best = (score, [f"similar name ({score:.0f}%)"], other["id"])
            if best:
                add(party, best[0], best[1], other_id=best[2])
        others.append({"id": party.pk, "name_normalized": party.name_normalized, "identifiers": party.identifiers})
    ResolutionSuggestion.objects.bulk_create(created)
    return len(created)


@transaction.atomic
def suggestion_decide(*, suggestion, by, confirm: bool) -> ResolutionSuggestion:
    """Confirm (link to the entity, or merge the two parties) or reject (remembered) a suggestion."""
    require(by, suggestion.case, Action.CHANGE)
    if suggestion.status != ResolutionSuggestion.Status.OPEN:
        raise ValidationError("This suggestion has already been decided.")
    suggestion.status = ResolutionSuggestion.Status.CONFIRMED if confirm else ResolutionSuggestion.Status.REJECTED
    suggestion.decided_by = by
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    party = suggestion.party
    if confirm and suggestion.entity_id:
        Party.objects.filter(pk=party.pk).update(entity=suggestion.entity)
        Party.objects.filter(merged_into=party).update(entity=suggestion.entity)
    elif confirm and suggestion.other_party_id:
        party_merge(keep=suggestion.other_party, merge=party, by=by)
    audit_record(actor=by, action="party.match_confirm" if confirm else "party.match_reject", obj=party,
                 case=suggestion.case, details={"suggestion": suggestion.pk, "score": suggestion.score,
                                                "entity": suggestion.entity_id, "other_party": suggestion.other_party_id})
    return suggestion


def party_merge(*, keep, merge, by):
    """`merge` becomes an alias of `keep`: its transactions and accounts point at `keep`; nothing is deleted."""
    if keep.pk == merge.pk or keep.case_id != merge.case_id:
        raise ValidationError("Only two different parties of the same case can be merged.")
    while keep.merged_into_id:  # merge into the surviving end of a chain
        keep = keep.merged_into
    Transaction.objects.filter(debit_party=merge).update(debit_party=keep)
    Transaction.objects.filter(credit_party=merge).update(credit_party=keep)
    through = Account.holders.through
    accounts = list(through.objects.filter(party_id=merge.pk).values_list("account_id", flat=True))
    through.objects.bulk_create([through(account_id=a, party_id=keep.pk) for a in accounts], ignore_conflicts=True)
    through.objects.filter(party_id=merge.pk).delete()
    Party.objects.filter(merged_into=merge).update(merged_into=keep)
    identifiers = list(keep.identifiers)
    for ident in merge.identifiers:
        if ident not in identifiers:
            identifiers.append(ident)
    Party.objects.filter(pk=keep.pk).update(identifiers=identifiers, entity=keep.entity or merge.entity)
    Party.objects.filter(pk=merge.pk).update(merged_into=keep)
    audit_record(actor=by, action="party.merge", obj=keep, details={"merged": merge.pk, "name": merge.name})
    return keep
