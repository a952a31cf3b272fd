"""The seizures app's sections of the case dossier (contract: cases/dossier/base.py).

- "Seizures and firearms" (400): each seizure event with its firearms (one table row per
  firearm), parts and ammunition, and the firearm photos as embedded thumbnails;
- "Tracing requests and results" (450): the requests, their answers and the transfer
  documents found or obtained;
- "Chain of custody" (500): per seized item the whole sequence of custody events in one
  compact table row, with the gaps `seizures.selectors.custody_gaps` finds flagged.

Every query starts from `dossier_records(...)`: what the requester may not see (agency-
handled requests and documents of other agencies, unreleased FIU material) is left out.
The period narrows the seizures (by when they took place), and with them their items and
custody chains (chains are printed whole: cutting one at the period would invent gaps),
and the tracing requests (by when they were drafted).

Each section also has a `bench_build` hook that fills a case with benchmark data through
bulk inserts (no audit events: benchmark data only, see tests/benchmarks/bench_dossier.py).
"""
from collections import Counter, defaultdict

from django.db.models import Prefetch
from django.utils import timezone

from cases.dossier.base import ChronologyEntry, DossierSection, SectionContent, dossier_records, record_ref

from .models import (
    Ammunition, CustodyEvent, Firearm, FirearmPhoto, Part, Seizure, SeizureParty, TracingRequest, TransferDocument,
)
from .models.choices import MarkingStatus
from .selectors import custody_gaps

THUMBNAIL_PX = 260  # longer side of a photo in the PDF
MAX_PHOTOS_PER_FIREARM = 2


def _seizures(case, user, period):
    qs = dossier_records(Seizure, case=case, user=user)
    return period.filter(qs, "occurred_at")


def _entity_ids(case, user):
    from cases.models import Entity

    return set(dossier_records(Entity, case=case, user=user).values_list("pk", flat=True))


def firearm_flags(firearm) -> list[str]:
    flags = []
    if firearm.craft_produced:
        flags.append("craft-produced")
    if firearm.converted:
        flags.append("converted" + (f" from {firearm.converted_from}" if firearm.converted_from else ""))
    if firearm.printed_3d:
        flags.append("3D-printed")
    if firearm.reactivated:
        flags.append("deactivated, then reactivated")
    elif firearm.deactivated:
        flags.append("deactivated")
    if firearm.origin_established:
        flags.append("illicit origin established")
    return flags


def firearm_markings(firearm) -> list[str]:
    lines = []
    made = " ".join(str(x) for x in (firearm.country_of_manufacture, firearm.year_of_manufacture) if x)
    if made:
        lines.append(f"made {made}")
    if firearm.import_country:
        lines.append(f"import {firearm.import_country} {firearm.import_year}")
    if firearm.other_markings:
        lines.append(firearm.other_markings)
    return lines


class SeizuresSection(DossierSection):
    key, title, order = "seizures", "Seizures and firearms", 400
    template = "seizures/dossier/seizures.html"
    description = ("Each seizure (when, where, by whom, context, legal basis, route) with its firearms, markings, "
                   "photos, parts and ammunition.")

    def applies(self, case):
        return Seizure.objects.filter(case=case).exists()

    def collect(self, case, user, period):
        seizures = list(_seizures(case, user, period).select_related("seizing_agency").order_by("occurred_at", "id"))
        seizure_ids = [s.pk for s in seizures]
        firearms = list(dossier_records(Firearm, case=case, user=user).filter(seizure_id__in=seizure_ids)
                        .order_by("seizure_id", "item_number", "id"))
        parts = list(dossier_records(Part, case=case, user=user).filter(seizure_id__in=seizure_ids)
                     .order_by("seizure_id", "item_number", "id"))
        ammunition = list(dossier_records(Ammunition, case=case, user=user).filter(seizure_id__in=seizure_ids)
                          .order_by("seizure_id", "item_number", "id"))
        from cases.models import EvidenceFile

        visible_evidence = dossier_records(EvidenceFile, case=case, user=user).values("pk")
        photos = list(dossier_records(FirearmPhoto, case=case, user=user)
                      .filter(firearm__seizure_id__in=seizure_ids, evidence_id__in=visible_evidence)
                      .select_related("evidence").order_by("firearm_id", "id"))
        entity_ids = _entity_ids(case, user)
        parties = list(dossier_records(SeizureParty, case=case, user=user)
                       .filter(seizure_id__in=seizure_ids, entity_id__in=entity_ids).select_related("entity"))

        firearm_item = {f.pk: f for f in firearms}
        by_seizure = {s.pk: {"seizure": s, "firearms": [], "parts": [], "ammunition": [], "parties": [],
                             "photos": []} for s in seizures}
        for f in firearms:
            f.dossier_flags = firearm_flags(f)
            f.dossier_markings = firearm_markings(f)
            f.marking_concern = f.marking_status in (MarkingStatus.ALTERED, MarkingStatus.OBLITERATED)
            by_seizure[f.seizure_id]["firearms"].append(f)
        for p in parts:
            p.firearm_label = firearm_item[p.firearm_id].item_number if p.firearm_id in firearm_item else ""
            by_seizure[p.seizure_id]["parts"].append(p)
        for a in ammunition:
            by_seizure[a.seizure_id]["ammunition"].append(a)
        for party in parties:
            by_seizure[party.seizure_id]["parties"].append(party)
        printed_photos = []
        per_firearm = Counter()
        for photo in photos:
            if per_firearm[photo.firearm_id] >= MAX_PHOTOS_PER_FIREARM:
                continue
            uri = _thumbnail(photo.evidence)
            if not uri:
                continue
            per_firearm[photo.firearm_id] += 1
            firearm = firearm_item.get(photo.firearm_id)
            if firearm is None:
                continue
            photo.uri = uri
            photo.label = firearm.item_number
            by_seizure[firearm.seizure_id]["photos"].append(photo)
            printed_photos.append(photo)

        chronology = []
        for s in seizures:
            count = len(by_seizure[s.pk]["firearms"])
            detail = f"{s.get_context_display()}, {s.place or s.region or s.country}; seized by {s.seizing_agency}"
            if count:
                detail += f"; {count} firearm{'s' if count != 1 else ''}"
            chronology.append(ChronologyEntry(s.occurred_at, "Seizure", f"Seizure {s.reference}", detail,
                                              s.seizing_officer))
        totals = {
            "seizures": len(seizures), "firearms": len(firearms), "parts": sum(p.quantity for p in parts),
            "rounds": sum(a.quantity for a in ammunition), "photos": len(printed_photos),
            "by_type": Counter(f.get_weapon_type_display() for f in firearms).most_common(),
            "by_marking": Counter(f.get_marking_status_display() for f in firearms).most_common(),
            "flagged": sum(1 for f in firearms if f.dossier_flags),
        }
        records = ([record_ref(s) for s in seizures] + [record_ref(f) for f in firearms]
                   + [record_ref(p) for p in parts] + [record_ref(a) for a in ammunition]
                   + [record_ref(p) for p in parties]
                   + [record_ref(p, evidence=p.evidence_id, sha256=p.evidence.sha256) for p in printed_photos])
        return SectionContent(data={"seizures": list(by_seizure.values()), "totals": totals},
                              records=records, chronology=chronology, count=len(seizures),
                              empty_message="No seizure in the selected period.")

    def bench_build(self, case, user, scale):
        return bench_seizures(case, user, scale)


def _thumbnail(evidence):
    from cases.dossier.images import thumbnail_data_uri

    try:
        return thumbnail_data_uri(evidence, max_px=THUMBNAIL_PX, quality=75)
    except (OSError, ValueError):  # a damaged or unreadable image is listed without its picture
        return ""


class TracingSection(DossierSection):
    key, title, order = "tracing", "Tracing requests and results", 450
    template = "seizures/dossier/tracing.html"
    description = "Tracing requests sent for the firearms, their answers (last legal owner, point of diversion) and transfer documents."

    def applies(self, case):
        return (TracingRequest.objects.filter(case=case).exists()
                or TransferDocument.objects.filter(case=case).exists())

    def collect(self, case, user, period):
        firearms = dossier_records(Firearm, case=case, user=user).select_related("seizure").order_by(
            "seizure__occurred_at", "item_number")
        requests = list(period.filter(dossier_records(TracingRequest, case=case, user=user), "created_at")
                        .select_related("origin_agency", "created_by")
                        .prefetch_related(Prefetch("firearms", queryset=firearms))
                        .order_by("created_at", "id"))
        documents = list(period.filter(dossier_records(TransferDocument, case=case, user=user), "created_at")
                         .select_related("origin_agency", "seizure", "exporter", "importer", "broker", "carrier",
                                         "declared_end_user")
                         .prefetch_related(Prefetch("firearms", queryset=firearms))
                         .order_by("issued_on", "id"))
        entity_ids = _entity_ids(case, user)
        for d in documents:
            d.dossier_parties = []
            for name, label in (("exporter", "exporter"), ("importer", "importer"), ("broker", "broker"),
                                ("carrier", "carrier"), ("declared_end_user", "declared end user")):
                entity_id = getattr(d, f"{name}_id")
                if entity_id:
                    # a party the requester may not see is withheld, not named
                    d.dossier_parties.append((label, getattr(d, name) if entity_id in entity_ids else None))
        chronology = []
        for r in requests:
            target = r.destination_name or r.get_destination_display()
            if r.sent_at:
                chronology.append(ChronologyEntry(r.sent_at, "Tracing", f"Tracing request {r.reference} sent",
                                                  f"To {target}; {len(r.firearms.all())} firearm(s); "
                                                  f"{r.get_priority_display().lower()}", str(r.created_by), r.handling))
            if r.responded_at:
                chronology.append(ChronologyEntry(r.responded_at, "Tracing", f"Tracing response to {r.reference}",
                                                  r.get_outcome_display() + (f": {r.last_legal_owner}" if r.last_legal_owner else "")
                                                  + (f"; {r.get_diversion_type_display().lower()}" if r.diversion_type else ""),
                                                  "", r.handling))
        outcomes = Counter(r.get_outcome_display() if r.outcome else "Awaiting an answer" for r in requests)
        records = [record_ref(r) for r in requests] + [record_ref(d) for d in documents]
        return SectionContent(
            data={"requests": requests, "documents": documents, "outcomes": outcomes.most_common(),
                  "today": timezone.localdate()},
            records=records, chronology=chronology, count=len(requests) + len(documents),
            empty_message="No tracing request or transfer document in the selected period.")

    def bench_build(self, case, user, scale):
        return bench_tracing(case, user, scale)


ITEM_MODELS = (("firearm", Firearm), ("part", Part), ("ammunition", Ammunition))


class CustodySection(DossierSection):
    key, title, order = "custody", "Chain of custody", 500
    template = "seizures/dossier/custody.html"
    description = "For every seized item the unbroken sequence of custody events, with any gap flagged."

    def applies(self, case):
        return Seizure.objects.filter(case=case).exists()

    def collect(self, case, user, period):
        seizure_ids = list(_seizures(case, user, period).values_list("pk", flat=True))
        items = []
        events_by_item = defaultdict(list)
        records = []
        for field, model in ITEM_MODELS:
            item_qs = (dossier_records(model, case=case, user=user).filter(seizure_id__in=seizure_ids)
                       .select_related("seizure").order_by("seizure__occurred_at", "seizure_id", "item_number", "id"))
            kind_items = list(item_qs)
            events = (dossier_records(CustodyEvent, case=case, user=user)
                      .filter(**{f"{field}__isnull": False, f"{field}__seizure_id__in": seizure_ids})
                      .order_by(f"{field}_id", "sequence"))
            for event in events:
                events_by_item[(field, getattr(event, f"{field}_id"))].append(event)
            items.extend((field, item) for item in kind_items)
        rows = []
        K = CustodyEvent.Kind
        total_events = total_gaps = 0
        for field, item in items:
            events = events_by_item.get((field, item.pk), [])
            warnings = custody_gaps(events)
            flagged = defaultdict(list)
            general = []
            for w in warnings:
                (flagged[w.event.pk] if w.event is not None else general).append(w.message)
            previous = None
            for e in events:
                e.gap_messages = flagged.get(e.pk, [])
                # "from" repeats the previous event's "to" in an unbroken chain: print it only when it differs
                e.show_from = bool(e.from_holder or e.from_location) and (
                    previous is None or e.from_holder.casefold() != previous.to_holder.casefold()
                    or e.from_location.casefold() != previous.to_location.casefold())
                previous = e
            last = events[-1] if events else None
            rows.append({
                "kind": field, "item": item, "label": _item_label(field, item), "events": events,
                "general": general, "gaps": len(warnings),
                "status": (last.get_kind_display() if last else "no record"),
                "closed": bool(last and last.kind in (K.DESTROYED, K.RELEASED, K.RETURNED)),
                "holder": last.to_holder if last else "", "location": last.to_location if last else "",
            })
            total_events += len(events)
            total_gaps += len(warnings)
            records.extend(record_ref(e) for e in events)
        chronology = []
        for row in rows:
            for e in row["events"]:
                if e.kind in (K.DESTROYED, K.RELEASED, K.RETURNED):
                    chronology.append(ChronologyEntry(
                        e.occurred_at, "Custody", f"{row['label']} {e.get_kind_display().lower()}",
                        "; ".join(x for x in (e.method and f"method: {e.method}",
                                              e.witnesses and f"witnesses: {e.witnesses}") if x)))
        summary = {
            "items": len(rows), "events": total_events, "gaps": total_gaps,
            "items_with_gaps": sum(1 for r in rows if r["gaps"]),
            "destroyed": sum(1 for r in rows if r["events"] and r["events"][-1].kind == K.DESTROYED),
        }
        return SectionContent(data={"rows": rows, "summary": summary}, records=records, chronology=chronology,
                              count=len(rows), empty_message="No seized item in the selected period.")

    def bench_build(self, case, user, scale):
        return bench_custody(case, user, scale)


def _item_label(field, item):
    what = {"firearm": lambda i: " ".join(x for x in (i.make, i.model) if x) or i.get_weapon_type_display(),
            "part": lambda i: i.get_kind_display(),
            "ammunition": lambda i: f"{i.quantity} × {i.calibre}"}[field](item)
    number = item.item_number if item.item_number.startswith(item.seizure.reference) else \
        f"{item.seizure.reference}/{item.item_number}"
    return f"{number} {what}"


SECTIONS = (SeizuresSection, TracingSection, CustodySection)


def register_dossier_sections():
    from cases.dossier.base import register_section, registered_sections

    present = {s.key for s in registered_sections()}
    for cls in SECTIONS:
        if cls.key not in present:
            register_section(cls())


# --- benchmark data (bulk inserts; see tests/benchmarks/bench_dossier.py) -----------------------------------

MAKES = (("Zastava", ("M70", "M57", "CZ99", "M92", "M84")), ("Glock", ("17", "19", "26")),
         ("CZ", ("75", "83", "Scorpion")), ("Beretta", ("92FS", "84")), ("Walther", ("PPK", "P99")),
         ("Kalashnikov", ("AKM", "AK-74")), ("Baikal", ("IZH-79", "MP-153")), ("Smith & Wesson", ("Model 10",)))
CALIBRES = {"pistol": "9x19mm", "revolver": ".38 Special", "rifle": "7.62x39mm", "carbine": "7.62x39mm",
            "shotgun": "12 gauge", "submachine_gun": "7.65mm Browning", "machine_gun": "7.62x54mmR"}
PLACES = (("HR", "Vukovar-Srijem", "Bajakovo border crossing"), ("HR", "City of Zagreb", "Zagreb, Jankomir"),
          ("HR", "Split-Dalmatia", "Port of Split, container terminal"), ("HR", "Brod-Posavina", "Slavonski Brod"),
          ("HR", "Primorje-Gorski Kotar", "Port of Rijeka"), ("HR", "City of Zagreb", "Zagreb airport cargo"))


def _rng(case, salt):
    import random

    return random.Random(f"{case.pk}-{salt}")


def bench_seizures(case, user, scale):
    """Seizures with `scale["firearms"]` firearms (a few big shipments, many small finds), parts,
    ammunition and some photos, as bulk inserts."""
    from datetime import timedelta

    from django.db import transaction

    from . import serials
    from .models import CriminalContextChange
    from .models.choices import CriminalContext, LegalBasis, SeizureContext

    n_firearms = int(scale.get("firearms", 0))
    if not n_firearms or Firearm.objects.filter(case=case).exists():
        return {}
    rng = _rng(case, "seizures")
    agencies = scale.get("agencies") or {}
    seizing = [a for a in (agencies.get("customs"), agencies.get("police")) if a] or [user.agency]
    now = timezone.now()
    sizes = []
    left = n_firearms
    while left > 0:  # a few big shipments, many small finds
        size = min(left, rng.choice((1, 1, 2, 3, 4, 6, 8, 12, 25, 40)))
        sizes.append(size)
        left -= size
    with transaction.atomic():
        seizures = []
        for i, _size in enumerate(sizes):
            country, region, place = rng.choice(PLACES)
            context = rng.choice(SeizureContext.values)
            seizures.append(Seizure(
                case=case, created_by=user, reference=f"BZ-{i + 1:03d}",
                occurred_at=now - timedelta(days=rng.randint(20, 380), minutes=rng.randint(0, 1440)),
                country=country, region=region, place=place, seizing_agency=rng.choice(seizing),
                seizing_officer=f"Officer {rng.randint(100, 999)}", context=context,
                legal_basis=rng.choice((LegalBasis.POSSESSION, LegalBasis.TRAFFICKING, LegalBasis.TRAFFICKING)),
                criminal_context=rng.choice(CriminalContext.values),
                route_departure=rng.choice(("RS", "BA", "ME", "")), route_transit=rng.choice(([], ["SI"], ["HU", "SK"])),
                route_destination=rng.choice(("AT", "DE", "NL", "")),
                concealment=rng.choice(("false floor of the trailer", "in a spare tyre", "among machine parts", "")),
                description="Benchmark seizure."))
        Seizure.objects.bulk_create(seizures, batch_size=500)
        seizures = list(Seizure.objects.filter(case=case, reference__startswith="BZ-").order_by("reference"))
        CriminalContextChange.objects.bulk_create([
            CriminalContextChange(case=case, created_by=user, seizure=s, previous="", context=s.criminal_context,
                                  reason="Recorded with the seizure") for s in seizures])
        firearms = []
        for seizure, size in zip(seizures, sizes):
            for k in range(size):
                make, models_ = rng.choice(MAKES)
                weapon_type = rng.choice(("pistol", "pistol", "pistol", "revolver", "rifle", "carbine", "shotgun",
                                          "submachine_gun"))
                status = rng.choice(("intact",) * 6 + ("altered", "obliterated", "restored", "unmarked"))
                serial = "" if status == "unmarked" else f"{rng.choice('ABCDEFGHKMNZ')}{rng.randint(10000, 999999)}"
                if status in ("altered", "obliterated") and serial:
                    serial = serial[:3] + "??" + serial[5:]
                converted = rng.random() < 0.05
                firearm = Firearm(
                    case=case, created_by=user, seizure=seizure, item_number=f"{seizure.reference}/F{k + 1:02d}",
                    weapon_type=weapon_type, make=make, model=rng.choice(models_),
                    calibre=CALIBRES.get(weapon_type, "9x19mm"), serial_as_read=serial,
                    country_of_manufacture=rng.choice(("RS", "AT", "CZ", "IT", "DE", "RU", "")),
                    year_of_manufacture=rng.choice((None, rng.randint(1960, 2020))),
                    other_markings=rng.choice(("", "", "proof mark of Kragujevac", "unit marking JNA", "engraved initials")),
                    marking_status=status, converted=converted, converted_from="alarm pistol" if converted else "",
                    craft_produced=rng.random() < 0.03, deactivated=False,
                    illicit_grounds=rng.choice(("No licence", "Smuggled across the border", "Serial number removed",
                                                "Converted from a non-lethal weapon")),
                    condition=rng.choice(("good", "worn", "rusted", "")))
                firearm.make_normalized = serials.normalize_make(make)
                firearm.serial_normalized = serials.normalize_serial(serial)
                firearm.serial_is_partial = serials.is_partial(firearm.serial_normalized)
                firearms.append(firearm)
        Firearm.objects.bulk_create(firearms, batch_size=500)
        firearm_rows = list(Firearm.objects.filter(case=case).values_list("pk", "seizure_id"))
        parts, ammo = [], []
        for seizure in seizures:
            if rng.random() < 0.35:
                for k in range(rng.randint(1, 3)):
                    kind = rng.choice(("magazine", "barrel", "slide", "suppressor", "conversion_kit"))
                    parts.append(Part(case=case, created_by=user, seizure=seizure, item_number=f"{seizure.reference}/P{k + 1:02d}",
                                      kind=kind, quantity=rng.randint(1, 10), make=rng.choice(("Zastava", "Glock", "")),
                                      description=f"Loose {kind.replace('_', ' ')}"))
            if rng.random() < 0.4:
                for k in range(rng.randint(1, 2)):
                    ammo.append(Ammunition(case=case, created_by=user, seizure=seizure, item_number=f"{seizure.reference}/A{k + 1:02d}",
                                           calibre=rng.choice(("9x19mm", "7.62x39mm", ".38 Special")),
                                           quantity=rng.choice((50, 100, 250, 1000)),
                                           headstamp=rng.choice(("PPU 9mm Luger", "IK 7.62x39", "")),
                                           country_of_manufacture=rng.choice(("RS", "BA", ""))))
        Part.objects.bulk_create(parts, batch_size=500)
        Ammunition.objects.bulk_create(ammo, batch_size=500)
    photos = _bench_photos(case, user, [pk for pk, _s in firearm_rows], rng, max(1, n_firearms // 10))
    return {"seizures": len(seizures), "firearms": len(firearms), "parts": len(parts), "ammunition": len(ammo),
            "firearm_photos": photos}


def _bench_photos(case, user, firearm_ids, rng, count):
    """Photos for some firearms: real (small) JPEG evidence files, stored through evidence_upload."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    from cases.services import evidence_upload

    made = []
    for firearm_id in rng.sample(firearm_ids, min(count, len(firearm_ids))):
        image = Image.new("RGB", (1200, 800), (rng.randint(40, 200), rng.randint(40, 200), rng.randint(40, 200)))
        draw = ImageDraw.Draw(image)
        draw.rectangle((150, 300, 1050, 420), fill=(30, 30, 30))
        draw.rectangle((250, 420, 380, 650), fill=(50, 50, 50))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        evidence = evidence_upload(case=case, by=user, title=f"Photo of firearm {firearm_id}",
                                   upload=SimpleUploadedFile(f"firearm-{firearm_id}.jpg", buffer.getvalue(), "image/jpeg"))
        made.append(FirearmPhoto(case=case, created_by=user, firearm_id=firearm_id, evidence=evidence,
                                 caption="left side"))
    FirearmPhoto.objects.bulk_create(made)
    return len(made)


def bench_tracing(case, user, scale):
    """`scale["tracing_requests"]` requests over the case's firearms, in every state, some agency-handled."""
    from datetime import timedelta

    from django.db import transaction

    from cases.access import Handling

    n = int(scale.get("tracing_requests", 0))
    if not n or TracingRequest.objects.filter(case=case).exists():
        return {}
    firearm_ids = list(Firearm.objects.filter(case=case).exclude(serial_as_read="").values_list("pk", flat=True))
    if not firearm_ids:
        return {}
    rng = _rng(case, "tracing")
    users = scale.get("users") or {}
    investigator = users.get("investigator", user)
    now = timezone.now()
    TR = TracingRequest
    requests, chosen = [], []
    for i in range(n):
        destination = rng.choice(TR.Destination.values)
        status = rng.choice((TR.Status.SENT, TR.Status.ACKNOWLEDGED, TR.Status.RESPONDED, TR.Status.RESPONDED,
                             TR.Status.CLOSED))
        by = investigator if i % 5 == 0 else user
        sent = now - timedelta(days=rng.randint(5, 300))
        request = TR(case=case, created_by=by, origin_agency=by.agency,
                     handling=Handling.AGENCY if i % 5 == 0 else Handling.TEAM,
                     reference=f"{case.reference}-TR-{i + 1:03d}", destination=destination,
                     destination_country=rng.choice(("RS", "BA", "AT", "CZ")) if destination == "foreign_state" else "",
                     destination_name=rng.choice(("Ministry of the Interior", "INTERPOL iARMS", "Zastava Arms", "")),
                     status=status, sent_at=sent, due_date=timezone.localdate(sent) + timedelta(days=30))
        if status != TR.Status.SENT:
            request.acknowledged_at = sent + timedelta(days=2)
            request.their_reference = f"REF/{rng.randint(1000, 9999)}"
        if status in (TR.Status.RESPONDED, TR.Status.CLOSED):
            request.responded_at = sent + timedelta(days=rng.randint(5, 40))
            request.outcome = rng.choice(TR.Outcome.values)
            if request.outcome == TR.Outcome.NOT_TRACED:
                request.not_traced_reason = "No record of the serial number"
            else:
                request.last_legal_owner = f"Licensed dealer {rng.randint(1, 40)}"
                request.last_legal_country = rng.choice(("RS", "BA", "AT"))
                request.last_legal_transfer = f"Sale under licence {rng.randint(100, 999)}/{rng.randint(1995, 2015)}"
            if request.outcome == TR.Outcome.DIVERSION_POINT:
                request.diversion_type = rng.choice(TR.DiversionType.values)
                request.diversion_point = "Theft from a police depot" if request.diversion_type == "theft" else "Resale without a licence"
            request.response_text = "Reply received through the national focal point."
        if status == TR.Status.CLOSED:
            request.closed_at = request.responded_at + timedelta(days=1)
        requests.append(request)
        chosen.append(rng.sample(firearm_ids, min(len(firearm_ids), rng.choice((1, 1, 2, 5)))))
    with transaction.atomic():
        TR.objects.bulk_create(requests)
        by_ref = dict(TR.objects.filter(case=case).values_list("reference", "pk"))
        through = TR.firearms.through
        through.objects.bulk_create([through(tracingrequest_id=by_ref[r.reference], firearm_id=f)
                                     for r, ids in zip(requests, chosen) for f in ids])
    return {"tracing_requests": len(requests)}


def bench_custody(case, user, scale):
    """`scale["custody_events"]` events over the case's items: each chain starts with the seizure;
    some items are examined, moved, destroyed; a few chains have gaps."""
    from datetime import timedelta

    from django.db import transaction

    target = int(scale.get("custody_events", 0))
    if not target or CustodyEvent.objects.filter(case=case).exists():
        return {}
    rng = _rng(case, "custody")
    K = CustodyEvent.Kind
    items = []
    for field, model in ITEM_MODELS:
        items.extend((field, pk, at) for pk, at in model.objects.filter(case=case).values_list("pk", "seizure__occurred_at"))
    if not items:
        return {}
    per_item = [1] * len(items)
    for _ in range(max(0, target - len(items))):
        per_item[rng.randrange(len(items))] += 1
    stores = ("Evidence store, Zagreb HQ", "Customs warehouse Bajakovo", "Forensic Centre Ivan Vučetić", "Split police store")
    now = timezone.now()
    events = []
    for (field, pk, seized_at), count in zip(items, per_item):
        at = seized_at
        holder, place = f"Officer {rng.randint(100, 999)}", "place of seizure"
        sequence = 0
        for k in range(count):
            sequence += 1
            if k == 0:
                kind, to_holder, to_place = K.SEIZED, holder, place
            elif k == count - 1 and count >= 4 and rng.random() < 0.4:
                kind, to_holder, to_place = K.DESTROYED, "Destruction commission", "Smelter Sisak"
            else:
                kind = rng.choice((K.RECEIVED, K.MOVED, K.SENT_TO_LAB, K.EXAMINED))
                to_holder = rng.choice(("Evidence clerk Horvat", "Evidence clerk Babić", "Forensic examiner Marić"))
                to_place = rng.choice(stores)
            at = min(at + timedelta(hours=rng.randint(2, 24 * 30)), now - timedelta(minutes=5))
            gap = rng.random() < 0.03
            events.append(CustodyEvent(
                case=case, created_by=user, **{f"{field}_id": pk}, sequence=sequence, kind=kind, occurred_at=at,
                from_holder="" if k == 0 else (f"Clerk {rng.randint(1, 9)}" if gap else holder),
                to_holder=to_holder, from_location="" if k == 0 else place,
                to_location="" if (gap and kind != K.DESTROYED) else to_place,
                method="Cutting and smelting" if kind == K.DESTROYED else "",
                witnesses="Commission members Kovač, Perić" if kind == K.DESTROYED else "",
                ballistic_reference=f"IBIS-{rng.randint(10000, 99999)}" if kind == K.EXAMINED else ""))
            holder, place = to_holder, to_place
    with transaction.atomic():
        CustodyEvent.objects.bulk_create(events, batch_size=1000)
    return {"custody_events": len(events)}
