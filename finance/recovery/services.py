"""Every write of asset recovery.

Services take keyword arguments, check that `by` may do it, validate, write in
one transaction and record the audit event (which also puts the write on the
case timeline). Views, serializers, tasks and the demo call these and nothing else.
"""
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.access import Action, Handling, Role
from cases.audit import AuditAction, audit_read, audit_record, read_action
from cases.models import CaseMembership, Entity, EvidenceFile
from cases.records import not_found_error, require_in_case
from cases.services import check_handling, notify, require
from finance.validation import Invalid, check_country, check_currency

from . import identifiers as ident
from . import origins, states
from .models import (
    Asset, AssetHolder, AssetIdentifier, AssetOrigin, AssetState, LegalMeasure, MlaRequest, RequestLetter,
    SharingAgreement, SharingShare,
)

DEFAULT_LEAD_DAYS = (30, 7, 1)
ASSET_FIELDS = ("kind", "label", "description", "institution", "jurisdiction", "location", "estimated_value",
                "currency", "valuation_date", "valuation_source", "account", "handling")


def _save(instance, exclude=None):
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance


def _same_case(case, record, field, by=None):
    """A related record of another case, or one `by` may not see, is refused like an id that does not exist:
    the message names nothing (no label, title or case)."""
    require_in_case(case, record, field, user=by)


def _currency(value, field="currency"):
    if not value:
        return ""
    try:
        return check_currency(value)
    except Invalid as exc:
        raise ValidationError({field: f"“{value}” is {exc}."}) from None


def _country(value, field):
    try:
        return check_country(value)
    except Invalid as exc:
        raise ValidationError({field: f"“{value}” is {exc}."}) from None


def _decimal(value, field):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"“{value}” is not a number."}) from None


# --- assets ----------------------------------------------------------------------------

@transaction.atomic
def asset_register(*, case, by, kind, label, jurisdiction, handling=Handling.TEAM, identifiers=(), holders=(),
                   **fields) -> Asset:
    """Register an asset the network holds; it starts as identified."""
    require(by, case, Action.ADD)
    check_handling(by=by, case=case, handling=handling)
    unknown = set(fields) - set(ASSET_FIELDS)
    if unknown:
        raise TypeError(f"unknown asset fields: {sorted(unknown)}")
    account = fields.get("account")
    if account is not None:
        _same_case(case, account, "account", by)
    fields["currency"] = _currency(fields.get("currency"))
    fields["estimated_value"] = _decimal(fields.get("estimated_value"), "estimated_value")
    asset = _save(Asset(case=case, created_by=by, origin_agency=by.agency, handling=handling, kind=kind,
                        label=(label or "").strip(), jurisdiction=_country(jurisdiction, "jurisdiction"), **fields))
    audit_record(actor=by, action=AuditAction.ASSET_REGISTER, obj=asset,
                 details={"kind": kind, "value": str(asset.estimated_value or ""), "currency": asset.currency,
                          "handling": handling})
    for item in identifiers:
        identifier_add(asset=asset, by=by, **item)
    for item in holders:
        holder_add(asset=asset, by=by, **item)
    return asset


@transaction.atomic
def asset_update(*, asset, by, **fields) -> Asset:
    """Correct an asset's description or revalue it (the state changes only through measures)."""
    require(by, asset.case, Action.CHANGE)
    unknown = set(fields) - set(ASSET_FIELDS)
    if unknown:
        raise TypeError(f"unknown asset fields: {sorted(unknown)}")
    if "handling" in fields:
        check_handling(by=by, case=asset.case, handling=fields["handling"])
    if "currency" in fields:
        fields["currency"] = _currency(fields["currency"])
    if "estimated_value" in fields:
        fields["estimated_value"] = _decimal(fields["estimated_value"], "estimated_value")
    if "jurisdiction" in fields:
        fields["jurisdiction"] = _country(fields["jurisdiction"], "jurisdiction")
    if fields.get("account") is not None:
        _same_case(asset.case, fields["account"], "account", by)
    before = {k: str(getattr(asset, k)) for k in fields}
    for name, value in fields.items():
        setattr(asset, name, value)
    _save(asset)
    changed = {k: [before[k], str(getattr(asset, k))] for k in fields if before[k] != str(getattr(asset, k))}
    audit_record(actor=by, action=AuditAction.ASSET_UPDATE, obj=asset, details={"changed": changed})
    return asset


@transaction.atomic
def identifier_add(*, asset, by, kind, value, chain="") -> AssetIdentifier:
    """Add a validated identifier (IBAN, address, registration …) and check other cases for the same one."""
    require(by, asset.case, Action.ADD)
    normalized, chain = ident.normalize(kind, value, chain)
    if AssetIdentifier.objects.filter(asset=asset, kind=kind, value_normalized=normalized).exists():
        raise ValidationError({"value": f"This asset already has {AssetIdentifier.Kind(kind).label} {normalized}."})
    identifier = AssetIdentifier(asset=asset, kind=kind, value=value.strip(), value_normalized=normalized, chain=chain)
    _save(identifier)
    audit_record(actor=by, action=AuditAction.ASSET_IDENTIFIER_ADD, obj=asset,
                 details={"kind": kind, "value": identifier.value, "normalized": normalized})
    _deconflict(asset=asset, by=by, identifier=identifier)
    return identifier


def _deconflict(*, asset, by, identifier):
    """The same IBAN, address or registration as an asset of another case: report it."""
    from cases.deconfliction import Match, deconfliction_report

    others = (AssetIdentifier.objects.filter(kind=identifier.kind, value_normalized=identifier.value_normalized)
              .exclude(asset__case=asset.case).select_related("asset", "asset__case"))
    matches = [Match(other_case=o.asset.case, other_type="recovery.Asset", other_id=str(o.asset_id),
                     matched_value=identifier.value_normalized, other=o.asset,
                     other_url=reverse("recovery:detail", kwargs={"reference": o.asset.case.reference,
                                                                   "pk": o.asset_id}))
               for o in others]
    if matches:
        deconfliction_report(by=by, case=asset.case, subject=asset, kind=identifier.get_kind_display(),
                             matches=matches, subject_url=reverse("recovery:detail", kwargs={
                                 "reference": asset.case.reference, "pk": asset.pk}))


@transaction.atomic
def holder_add(*, asset, by, entity, role=AssetHolder.Role.HOLDER, share_percent=None, note="") -> AssetHolder:
    """Name a case person or organisation as holder or beneficial owner, with its share."""
    require(by, asset.case, Action.ADD)
    if not isinstance(entity, Entity):
        raise ValidationError({"entity": "Choose a person or organisation of the case."})
    _same_case(asset.case, entity, "entity", by)
    share = _decimal(share_percent, "share_percent")
    if AssetHolder.objects.filter(asset=asset, entity=entity, role=role).exists():
        raise ValidationError({"entity": f"{entity.name} is already recorded as {AssetHolder.Role(role).label.lower()}."})
    if share is not None:
        taken = sum((h.share_percent or 0 for h in AssetHolder.objects.filter(asset=asset, role=role)), Decimal(0))
        if taken + share > 100:
            raise ValidationError({"share_percent": f"Shares of {AssetHolder.Role(role).label.lower()}s would add up "
                                                    f"to {taken + share}% (already {taken}%); at most 100%."})
    holder = _save(AssetHolder(case=asset.case, created_by=by, asset=asset, entity=entity, role=role,
                               share_percent=share, note=note))
    audit_record(actor=by, action=AuditAction.ASSET_HOLDER_ADD, obj=asset,
                 details={"entity": entity.pk, "role": role, "share": str(share or "")})
    return holder


@transaction.atomic
def origin_link(*, asset, by, kind, target, explanation="") -> AssetOrigin:
    """Link the asset to a record showing its illicit origin (transaction, seizure, firearm, evidence …)."""
    require(by, asset.case, Action.ADD)
    origin_kind = origins.origin_kind(kind)
    if origin_kind is None:
        raise ValidationError({"kind": f"Unknown kind of origin evidence “{kind}”."})
    if not isinstance(target, origin_kind.model):
        raise ValidationError({"target": f"The linked record is not a {origin_kind.label.lower()}."})
    _same_case(asset.case, target, "target", by)
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(target)
    if AssetOrigin.objects.filter(asset=asset, content_type=ct, object_id=target.pk).exists():
        raise ValidationError({"target": f"{origin_kind.label} “{target}” is already linked to this asset."})
    link = _save(AssetOrigin(case=asset.case, created_by=by, asset=asset, kind=kind, content_type=ct,
                             object_id=target.pk, label=str(target)[:300], explanation=explanation))
    audit_record(actor=by, action=AuditAction.ASSET_ORIGIN_LINK, obj=asset,
                 details={"kind": kind, "target": f"{target._meta.label}#{target.pk}"})
    return link


# --- legal measures (the state machine) ----------------------------------------------------

MEASURE_FIELDS = ("order_reference", "served_on", "expires_on", "review_on", "amount_covered", "amount_currency",
                  "reason", "note")


@transaction.atomic
def measure_record(*, case, by, asset, to_state, authority, legal_basis, issued_on, documents=(),
                   **fields) -> LegalMeasure:
    """Move an asset to its next legal state by recording the measure (order, request, release …).

    Refused with a clear error when the transition is not allowed from the asset's
    current state, or when the asset belongs to another case."""
    require(by, case, Action.ADD)
    unknown = set(fields) - set(MEASURE_FIELDS)
    if unknown:
        raise TypeError(f"unknown measure fields: {sorted(unknown)}")
    if asset.case_id != case.pk:
        raise not_found_error("asset", asset.pk)
    asset = Asset.objects.select_for_update().in_case(case).get(pk=asset.pk)  # one transition at a time
    if to_state not in AssetState.values:
        raise ValidationError({"to_state": f"Unknown state “{to_state}”."})
    if not states.allowed(asset.state, to_state):
        raise ValidationError({"to_state": states.refusal(asset.state, to_state)})
    fields["amount_covered"] = _decimal(fields.get("amount_covered"), "amount_covered")
    fields["amount_currency"] = _currency(fields.get("amount_currency"), "amount_currency")
    if fields["amount_covered"] is not None and not fields["amount_currency"]:
        fields["amount_currency"] = asset.currency
    documents = list(documents)
    visible_docs = set(EvidenceFile.objects.visible_to(by).filter(case=case, pk__in=[d.pk for d in documents])
                       .values_list("pk", flat=True))
    for doc in documents:
        if doc.case_id != case.pk or doc.pk not in visible_docs:
            raise not_found_error("documents", doc.pk)
    measure = LegalMeasure(case=case, created_by=by, asset=asset, from_state=asset.state, to_state=to_state,
                           authority=(authority or "").strip(), legal_basis=(legal_basis or "").strip(),
                           issued_on=issued_on, **fields)
    _save(measure)
    measure.documents.set(documents)
    now = timezone.now()
    LegalMeasure.objects.filter(asset=asset, superseded_at__isnull=True).exclude(pk=measure.pk).update(superseded_at=now)
    Asset.objects.filter(pk=asset.pk).update(state=to_state, state_changed_at=now)
    audit_record(actor=by, action=f"asset.measure.{to_state}", obj=measure, case=case,
                 details={"asset": asset.pk, "from": measure.from_state, "to": to_state,
                          "order": measure.order_reference, "authority": measure.authority,
                          "expires_on": str(measure.expires_on or ""), "reason": measure.reason})
    return measure


# --- deadlines --------------------------------------------------------------------------------

def reminder_lead_days() -> list[int]:
    days = getattr(settings, "RECOVERY_REMINDER_LEAD_DAYS", DEFAULT_LEAD_DAYS)
    return sorted({int(d) for d in days})


def _reminder_recipients(case):
    """The lead and asset-recovery members; `notify` sends each only what he may see of the asset."""
    memberships = (CaseMembership.objects.active().filter(case=case, role__in=[Role.LEAD, Role.ASSET_RECOVERY])
                   .select_related("user", "user__agency"))
    return [m.user for m in memberships if m.user.is_active]


def deadline_reminders_send(*, today=None) -> int:
    """Daily: remind the lead and asset-recovery members of orders expiring or due for review.

    A reminder goes out when a deadline comes within a lead time (settings
    RECOVERY_REMINDER_LEAD_DAYS, default 30, 7 and 1 days) — once per measure,
    deadline and lead time; re-running the job the same day, or later within
    the same lead time, sends nothing new. A lapsed expiry gets one last warning."""
    today = today or timezone.localdate()
    leads = reminder_lead_days()
    horizon = today + timedelta(days=max(leads, default=0))
    sent = 0
    measures = (LegalMeasure.objects.across_cases().filter(superseded_at__isnull=True)  # daily, every case
                .exclude(asset__state__in=states.TERMINAL)
                .select_related("asset", "case"))
    for measure in measures.filter(expires_on__lte=horizon) | measures.filter(review_on__lte=horizon):
        for what, due in (("expiry", measure.expires_on), ("review", measure.review_on)):
            if due is None or due > horizon:
                continue
            days_left = (due - today).days
            if days_left < 0:
                if what != "expiry" or days_left < -max(leads, default=0):
                    continue
                lead = "lapsed"
                text = f"the {measure.get_to_state_display().lower()} order lapsed on {due:%d %b %Y}"
            else:
                lead = str(min(d for d in leads if d >= days_left))
                when = "today" if days_left == 0 else f"in {days_left} day{'s' if days_left != 1 else ''}"
                noun = "expires" if what == "expiry" else "is due for review"
                text = f"the {measure.get_to_state_display().lower()} order {noun} {when} ({due:%d %b %Y})"
            asset, case = measure.asset, measure.case
            order = f" {measure.order_reference}" if measure.order_reference else ""
            message = f"{case.reference}: “{asset.label}” —{order} {text}."
            url = reverse("recovery:detail", kwargs={"reference": case.reference, "pk": asset.pk})
            for user in _reminder_recipients(case):
                if notify(recipient=user, case=case, message=message, url=url, sources=[asset, measure],
                          dedupe_key=f"recovery:{what}:{measure.pk}:{due.isoformat()}:{lead}"):
                    sent += 1
                    audit_record(actor=None, action=AuditAction.ASSET_DEADLINE_REMIND, obj=measure, case=case,
                                 details={"recipient": user.username, "what": what, "due": due.isoformat(),
                                          "lead": lead})
    return sent


# --- freeze / production request letters ---------------------------------------------------------

def supporting_transactions(*, case, by, assets):
    """Transactions supporting a request about `assets`: those linked as origin evidence and those
    moving money into or out of the assets' ledger accounts. FIU intelligence not released for
    evidential use never goes into a letter."""
    from django.db.models import Q
    from finance.models import Transaction

    asset_ids = [a.pk for a in assets]
    linked = AssetOrigin.objects.filter(asset_id__in=asset_ids, kind="transaction").values_list("object_id", flat=True)
    account_ids = [a.account_id for a in assets if a.account_id]
    qs = Transaction.objects.visible_to(by).filter(case=case).filter(
        Q(pk__in=list(linked)) | Q(debit_account_id__in=account_ids) | Q(credit_account_id__in=account_ids))
    return qs.exclude(handling=Handling.FIU, fiu_released_at__isnull=True).order_by("booked_at")[:200]


@transaction.atomic
def freeze_request_draft(*, case, by, assets=(), endpoints=(), addressee, addressee_kind="bank", legal_basis,
                         kind=RequestLetter.Kind.FREEZE, addressee_address="", subject="",
                         analysis=None) -> RequestLetter:
    """Draft a freeze (or production) request letter to a bank or exchange.

    Entry points: selected `assets` of the case (the asset pages), or `endpoints`
    — crypto-taint endpoints of an analysis, each a dict {"chain", "address",
    "amount", "asset", "analysis", "note"} (the money-flow analyses call this
    with the endpoints a taint trace ends at; `analysis` is that run). The draft's
    text names the case reference, the legal basis, the assets and the supporting
    transactions; it stays editable until issued. The letter takes the strictest
    handling of the run, assets and transactions it is made from: drafted from
    unreleased FIU intelligence, it is FIU intelligence itself (only FIU members
    read it, and nobody issues it before the FIU releases it)."""
    require(by, case, Action.ADD)
    assets = list(assets)
    endpoints = [dict(e) for e in endpoints]
    if analysis is not None:
        from finance.analysis.models import AnalysisRun

        if not AnalysisRun.objects.visible_to(by).filter(pk=analysis.pk, case=case).exists():
            raise ValidationError({"analysis": "This analysis does not exist in this case."})
    if not assets and not endpoints:
        raise ValidationError({"assets": "Select at least one asset (or crypto endpoint) the request is about."})
    visible = set(Asset.objects.visible_to(by).filter(case=case, pk__in=[a.pk for a in assets])
                  .values_list("pk", flat=True))
    for asset in assets:
        if asset.pk not in visible:
            raise not_found_error("assets", asset.pk)
    for number, endpoint in enumerate(endpoints, start=1):
        if not endpoint.get("address") or not endpoint.get("chain"):
            raise ValidationError({"endpoints": f"Endpoint {number} needs a chain and an address."})
        try:
            ident.normalize(AssetIdentifier.Kind.CRYPTO_ADDRESS, endpoint["address"], endpoint["chain"])
        except ValidationError as exc:
            raise ValidationError({"endpoints": f"Endpoint {number}: {' '.join(exc.messages)}"}) from None
    if not (addressee or "").strip():
        raise ValidationError({"addressee": "Name the bank or exchange the letter goes to."})
    if not (legal_basis or "").strip():
        raise ValidationError({"legal_basis": "Give the legal basis of the request."})
    txs = list(supporting_transactions(case=case, by=by, assets=assets))
    derived = Handling.strictest([*assets, *txs, analysis])
    kind_label = RequestLetter.Kind(kind).label
    subject = subject or f"{kind_label} — case {case.reference}"
    from django.template.loader import render_to_string

    body = render_to_string("recovery/letter_body.txt", {
        "case": case, "by": by, "kind": kind, "addressee": addressee, "legal_basis": legal_basis,
        "assets": assets, "endpoints": endpoints, "transactions": txs, "today": timezone.localdate(),
    }).strip() + "\n"
    letter = derived.apply_to(RequestLetter(
        case=case, created_by=by, origin_agency=by.agency, kind=kind, addressee=addressee.strip(),
        addressee_kind=addressee_kind, addressee_address=addressee_address, legal_basis=legal_basis.strip(),
        subject=subject[:300], body=body, endpoints=endpoints,
        sources=[[analysis._meta.label, analysis.pk]] if analysis is not None else []))
    _save(letter)
    letter.assets.set(assets)
    letter.transactions.set(txs)
    audit_record(actor=by, action=AuditAction.LETTER_DRAFT, obj=letter,
                 details={"assets": [a.pk for a in assets], "endpoints": len(endpoints), "transactions": len(txs),
                          "analysis": analysis.pk if analysis is not None else None, "handling": letter.handling,
                          "addressee": letter.addressee})
    return letter


LETTER_FIELDS = ("addressee", "addressee_kind", "addressee_address", "legal_basis", "subject", "body")


@transaction.atomic
def letter_update(*, letter, by, **fields) -> RequestLetter:
    """Edit a draft letter's text before it is issued."""
    require(by, letter.case, Action.ADD)
    unknown = set(fields) - set(LETTER_FIELDS)
    if unknown:
        raise TypeError(f"unknown letter fields: {sorted(unknown)}")
    if letter.status != RequestLetter.Status.DRAFT:
        raise ValidationError("This letter has been issued; draft a new one instead of changing it.")
    for name, value in fields.items():
        setattr(letter, name, value)
    _save(letter)
    audit_record(actor=by, action=AuditAction.LETTER_UPDATE, obj=letter, details={"changed": sorted(fields)})
    return letter


def letter_sources(letter) -> list:
    """The records the letter is made from: its assets, supporting transactions and analysis run."""
    from django.apps import apps

    found = [*letter.assets.all(), *letter.transactions.all()]
    for label, pk in letter.sources or []:
        record = apps.get_model(label)._default_manager.filter(pk=pk, case=letter.case).first()
        if record is not None:
            found.append(record)
    return found


def letter_unreleased_sources(letter) -> list[str]:
    """What releasing the letter would disclose besides itself, by label (for the FIU's confirmation)."""
    from cases.services import unreleased_sources

    return unreleased_sources(record=letter, sources=letter_sources(letter))


@transaction.atomic
def letter_release_fiu(*, letter, by, reason, confirm_sources=False) -> RequestLetter:
    """The FIU consents to a letter drafted from its intelligence being sent: the team may read it and
    it can be issued. If it rests on unreleased FIU sources (the taint run, FIU assets), the release
    names them and needs `confirm_sources`."""
    from cases.services import record_release_fiu

    if letter.status != RequestLetter.Status.DRAFT:
        raise ValidationError("This letter has already been issued.")
    return record_release_fiu(record=letter, by=by, reason=reason, sources=letter_sources(letter),
                              confirm_sources=confirm_sources)


def letter_pdf(letter) -> bytes:
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string("recovery/letter_pdf.html", {
        "letter": letter, "case": letter.case, "assets": list(letter.assets.all().prefetch_related("identifiers")),
        "transactions": list(letter.transactions.all().select_related("debit_account", "credit_account")),
        "paragraphs": [p.strip() for p in letter.body.split("\n\n") if p.strip()],
    })
    return HTML(string=html).write_pdf()


@transaction.atomic
def letter_issue(*, letter, by) -> RequestLetter:
    """Render the letter as PDF, store it as an evidence file of the case, and mark it issued."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.services import evidence_upload

    require(by, letter.case, Action.ADD)
    letter = RequestLetter.objects.select_for_update().in_case(letter.case_id).get(pk=letter.pk)
    if letter.status != RequestLetter.Status.DRAFT:
        raise ValidationError("This letter has already been issued.")
    if letter.handling == Handling.FIU and letter.fiu_released_at is None:
        raise ValidationError("The letter rests on FIU intelligence not yet released for use; the FIU must "
                              "release it before it is sent outside the team.")
    if not letter.body.strip():
        raise ValidationError({"body": "The letter has no text."})
    pdf = letter_pdf(letter)
    name = f"{letter.case.reference}-{letter.kind}-request-{letter.pk}.pdf"
    evidence = evidence_upload(case=letter.case, by=by, upload=SimpleUploadedFile(name, pdf, "application/pdf"),
                               title=f"{letter.get_kind_display()} to {letter.addressee}"[:200],
                               handling=letter.handling if letter.handling != Handling.FIU else Handling.TEAM,
                               source="Generated by Parallax (asset recovery)",
                               description=letter.subject)
    letter.status = RequestLetter.Status.ISSUED
    letter.issued_at = timezone.now()
    letter.issued_by = by
    letter.evidence = evidence
    letter.save(update_fields=["status", "issued_at", "issued_by", "evidence", "updated_at"])
    audit_record(actor=by, action=AuditAction.LETTER_ISSUE, obj=letter,
                 details={"evidence": evidence.pk, "sha256": evidence.sha256, "addressee": letter.addressee})
    return letter


# --- international cooperation -----------------------------------------------------------------

MLA_FIELDS = ("purpose", "legal_basis", "central_authority", "status", "sent_on", "received_on", "response_due_on",
              "executed_on", "description")


def _case_assets(case, by, assets):
    assets = list(assets)
    visible = set(Asset.objects.visible_to(by).filter(case=case, pk__in=[a.pk for a in assets])
                  .values_list("pk", flat=True))
    for asset in assets:
        if asset.pk not in visible:
            raise not_found_error("assets", asset.pk)
    return assets


@transaction.atomic
def mla_create(*, case, by, reference, requesting_state, requested_state, assets=(), handling=Handling.TEAM,
               **fields) -> MlaRequest:
    """Record a mutual legal assistance request about assets."""
    require(by, case, Action.ADD)
    check_handling(by=by, case=case, handling=handling)
    unknown = set(fields) - set(MLA_FIELDS)
    if unknown:
        raise TypeError(f"unknown MLA fields: {sorted(unknown)}")
    reference = (reference or "").strip()
    if MlaRequest.objects.filter(case=case, reference=reference).exists():
        raise ValidationError({"reference": f"This case already has an MLA request {reference}."})
    assets = _case_assets(case, by, assets)
    mla = _save(MlaRequest(case=case, created_by=by, origin_agency=by.agency, handling=handling, reference=reference,
                           requesting_state=_country(requesting_state, "requesting_state"),
                           requested_state=_country(requested_state, "requested_state"), **fields))
    mla.assets.set(assets)
    audit_record(actor=by, action=AuditAction.MLA_CREATE, obj=mla,
                 details={"requesting": mla.requesting_state, "requested": mla.requested_state,
                          "assets": [a.pk for a in assets], "status": mla.status})
    return mla


@transaction.atomic
def mla_update(*, mla, by, assets=None, **fields) -> MlaRequest:
    require(by, mla.case, Action.CHANGE)
    unknown = set(fields) - set(MLA_FIELDS)
    if unknown:
        raise TypeError(f"unknown MLA fields: {sorted(unknown)}")
    before = {k: str(getattr(mla, k)) for k in fields}
    for name, value in fields.items():
        setattr(mla, name, value)
    _save(mla)
    if assets is not None:
        mla.assets.set(_case_assets(mla.case, by, assets))
    changed = {k: [before[k], str(getattr(mla, k))] for k in fields if before[k] != str(getattr(mla, k))}
    audit_record(actor=by, action=AuditAction.MLA_UPDATE, obj=mla, details={"changed": changed})
    return mla


def _check_shares(shares):
    """[(state, percent)] → validated list; every state once, each share > 0, total at most 100 %."""
    cleaned, seen = [], set()
    for number, (state, percent) in enumerate(shares, start=1):
        state = _country(state, "shares")
        percent = _decimal(percent, "shares")
        if percent is None or percent <= 0 or percent > 100:
            raise ValidationError({"shares": f"Share {number} ({state}): a share is more than 0 and at most 100 %."})
        if state in seen:
            raise ValidationError({"shares": f"{state} is named twice; give each state one share."})
        seen.add(state)
        cleaned.append((state, percent))
    if not cleaned:
        raise ValidationError({"shares": "Give at least one state's share."})
    total = sum(p for _, p in cleaned)
    if total > 100:
        raise ValidationError({"shares": f"The shares add up to {total}%; they may add up to at most 100%."})
    return cleaned


@transaction.atomic
def sharing_create(*, case, by, reference, shares, assets=(), concluded_on=None, legal_basis="", note="",
                   mla_request=None) -> SharingAgreement:
    """Record an asset-sharing agreement between states with each state's share (total ≤ 100 %)."""
    require(by, case, Action.ADD)
    reference = (reference or "").strip()
    if SharingAgreement.objects.filter(case=case, reference=reference).exists():
        raise ValidationError({"reference": f"This case already has a sharing agreement {reference}."})
    if mla_request is not None:
        _same_case(case, mla_request, "mla_request", by)
    cleaned = _check_shares(shares)
    assets = _case_assets(case, by, assets)
    agreement = _save(SharingAgreement(case=case, created_by=by, reference=reference, concluded_on=concluded_on,
                                       legal_basis=legal_basis, note=note, mla_request=mla_request))
    agreement.assets.set(assets)
    for state, percent in cleaned:
        _save(SharingShare(case=case, created_by=by, agreement=agreement, state=state, share_percent=percent))
    audit_record(actor=by, action=AuditAction.SHARING_CREATE, obj=agreement,
                 details={"shares": {s: str(p) for s, p in cleaned}, "assets": [a.pk for a in assets]})
    return agreement


@transaction.atomic
def sharing_set_shares(*, agreement, by, shares) -> SharingAgreement:
    """Replace the shares of an agreement as a whole (so the total is checked once)."""
    require(by, agreement.case, Action.CHANGE)
    cleaned = _check_shares(shares)
    before = {s.state: str(s.share_percent) for s in agreement.shares.all()}
    agreement.shares.all().delete()
    for state, percent in cleaned:
        _save(SharingShare(case=agreement.case, created_by=by, agreement=agreement, state=state, share_percent=percent))
    audit_record(actor=by, action=AuditAction.SHARING_SHARES, obj=agreement,
                 details={"before": before, "after": {s: str(p) for s, p in cleaned}})
    return agreement


def record_viewed(*, record, by, action="view"):
    audit_read(record=record, by=by, action=read_action(record, action))
