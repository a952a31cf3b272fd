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
from cases.audit import AuditAction, audit_record
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
                  .values_list("id", "name_normalized", "identifiers"))
    other_ids = [o[0] for o in others]
    other_names = [o[1] for o in others]
    party_by_ident = {}
    for pid, _name, identifiers in others:
        for ident in identifiers:
            if ident.get("normalized"):
                party_by_ident.setdefault(ident["normalized"], pid)
    existing = set(ResolutionSuggestion.objects.filter(case=case).values_list("party_id", "entity_id", "other_party_id"))
    existing |= {(o, None, p) for p, _e, o in existing if o}
    created = []
    entity_choices = list(entity_names)

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
        if party.name_normalized and entity_choices:
            for name, score, _ in process.extract(party.name_normalized, entity_choices, scorer=fuzz.token_sort_ratio,
                                                  score_cutoff=NAME_THRESHOLD, limit=3):
                entity = entity_names[name]
                if entity.pk not in matched_entities:
                    matched_entities.add(entity.pk)
                    add(party, score, [f"name “{party.name}” ≈ “{entity.name}” ({score:.0f}%)"], entity=entity)
        if not matched_entities:
            # Parties that match no case person are compared with the other parties, and suggested
            # with their best candidate only: one suggestion per new party, not one per pair.
            same = next((party_by_ident[v] for v in sorted(idents) if v in party_by_ident), None)
            if same is not None:
                add(party, 100, ["same identifier"], other_id=same)
            elif party.name_normalized and other_names:
                best = process.extractOne(party.name_normalized, other_names, scorer=fuzz.token_sort_ratio,
                                          score_cutoff=PARTY_THRESHOLD)
                if best:
                    add(party, best[1], [f"similar name ({best[1]:.0f}%)"], other_id=other_ids[best[2]])
        other_ids.append(party.pk)
        other_names.append(party.name_normalized)
        for value in idents:
            party_by_ident.setdefault(value, party.pk)
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
    audit_record(actor=by, action=AuditAction.PARTY_MERGE, obj=keep, details={"merged": merge.pk, "name": merge.name})
    return keep
