"""Seizure and tracing statistics, and SDG indicator 16.4.2, for the national focal point.

The national focal point sees figures over every case, but never the records
behind them; other users see figures over the cases they belong to, with the
list of firearms behind each tracing figure.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pycountry
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from cases.csv_safe import FORMULA_PREFIXES, cell as csv_safe  # noqa: F401 (one escaping rule for every CSV export)
from cases.models import Case, Entity
from cases.selectors import age_group

from .models import Firearm, Seizure, SeizureParty, TracingRequest
from .models.choices import CriminalContext, LegalBasis, RecoveryType, WeaponType


@dataclass
class Statistics:
    date_from: date | None
    date_to: date | None
    scope: str
    with_details: bool
    seizures: int = 0
    firearms: int = 0
    by_recovery_type: dict = field(default_factory=dict)
    by_weapon_type: dict = field(default_factory=dict)
    by_legal_basis: dict = field(default_factory=dict)
    by_criminal_context: dict = field(default_factory=dict)
    by_country_of_manufacture: dict = field(default_factory=dict)
    by_route: dict = field(default_factory=dict)
    tracing: dict = field(default_factory=dict)  # label -> count of firearms
    tracing_requests_sent: int = 0
    sdg_numerator: int = 0
    sdg_denominator: int = 0
    persons_by_sex_and_age: list = field(default_factory=list)
    lists: dict = field(default_factory=dict)  # figure key -> [{"label", "case", "url"}], only with details

    @property
    def sdg_1642(self):
        """Proportion of seized, found or surrendered arms whose illicit origin was traced or established."""
        return self.sdg_numerator / self.sdg_denominator if self.sdg_denominator else None

    def categories(self):
        return [
            ("Recovery type", self.by_recovery_type),
            ("Weapon type", self.by_weapon_type),
            ("Legal basis of the seizure", self.by_legal_basis),
            ("Criminal context", self.by_criminal_context),
            ("Country of manufacture", self.by_country_of_manufacture),
            ("Route (departure → destination)", self.by_route),
        ]


def _country(code):
    if not code:
        return "Unknown"
    country = pycountry.countries.get(alpha_2=code)
    return f"{country.name} ({code})" if country else code


def _labelled(counter, choices):
    labels = dict(choices)
    return {labels.get(key, key or "Unknown"): n for key, n in counter.most_common()}


def seizure_statistics(*, user, date_from=None, date_to=None) -> Statistics:
    focal = getattr(user, "is_focal_point", False)
    cases = Case.objects.all() if focal else Case.objects.visible_to(user)
    seizures = Seizure.objects.filter(case__in=cases)
    if date_from:
        seizures = seizures.filter(occurred_at__date__gte=date_from)
    if date_to:
        seizures = seizures.filter(occurred_at__date__lte=date_to)
    firearms = Firearm.objects.filter(seizure__in=seizures)
    stats = Statistics(date_from=date_from, date_to=date_to, with_details=not focal,
                       scope="all cases (national focal point: figures only)" if focal else "the cases you belong to")
    stats.seizures = seizures.count()

    rows = list(firearms.values_list("id", "weapon_type", "country_of_manufacture", "seizure__recovery_type",
                                     "seizure__legal_basis", "seizure__criminal_context", "seizure__route_departure",
                                     "seizure__route_destination", "origin_established"))
    stats.firearms = len(rows)
    stats.by_recovery_type = _labelled(Counter(r[3] for r in rows), RecoveryType.choices)
    stats.by_weapon_type = _labelled(Counter(r[1] for r in rows), WeaponType.choices)
    stats.by_legal_basis = _labelled(Counter(r[4] for r in rows), LegalBasis.choices)
    stats.by_criminal_context = _labelled(Counter(r[5] for r in rows), CriminalContext.choices)
    stats.by_country_of_manufacture = {_country(k): n for k, n in Counter(r[2] for r in rows).most_common()}
    stats.by_route = {f"{r[0] or '?'} → {r[1] or '?'}": n
                      for r, n in Counter((r[6], r[7]) for r in rows).most_common()}

    requests = TracingRequest.objects.filter(case__in=cases).exclude(status=TracingRequest.Status.DRAFT)
    through = TracingRequest.firearms.through.objects.filter(firearm_id=OuterRef("pk"), tracingrequest__in=requests)
    annotated = firearms.annotate(
        initiated=Exists(through),
        responded=Exists(through.filter(tracingrequest__outcome__gt="")),
        traced=Exists(through.filter(tracingrequest__outcome__in=TracingRequest.SUCCESSFUL)),
    )
    initiated = annotated.filter(initiated=True)
    responded = annotated.filter(responded=True)
    traced = annotated.filter(traced=True)
    established = annotated.filter(Q(traced=True) | Q(origin_established=True))
    # Every recovery type (seized, found, surrendered) is in the denominator of 16.4.2.
    denominator = annotated.filter(seizure__recovery_type__in=RecoveryType.values)
    stats.tracing = {
        "Firearms for which tracing was initiated": initiated.count(),
        "Firearms with a tracing response": responded.count(),
        "Firearms traced successfully": traced.count(),
        "Firearms whose origin was established without a trace": annotated.filter(
            origin_established=True, traced=False).count(),
    }
    stats.tracing_requests_sent = requests.filter(
        **({"sent_at__date__gte": date_from} if date_from else {}),
        **({"sent_at__date__lte": date_to} if date_to else {})).count()
    stats.sdg_numerator = established.filter(seizure__recovery_type__in=RecoveryType.values).count()
    stats.sdg_denominator = denominator.count()

    persons = Counter()
    parties = (SeizureParty.objects.filter(seizure__in=seizures, entity__kind=Entity.Kind.PERSON)
               .values_list("entity_id", "entity__sex", "entity__date_of_birth", "seizure__occurred_at"))
    seen = set()
    for entity_id, sex, dob, occurred_at in parties.order_by("seizure__occurred_at"):
        if entity_id in seen:
            continue
        seen.add(entity_id)
        persons[(sex or "unknown", age_group(dob, on=occurred_at.date()))] += 1
    stats.persons_by_sex_and_age = [{"sex": s, "age_group": g, "count": n} for (s, g), n in sorted(persons.items())]

    if stats.with_details:
        stats.lists = {
            "sdg_numerator": _firearm_rows(established.filter(seizure__recovery_type__in=RecoveryType.values)),
            "sdg_denominator": _firearm_rows(denominator),
            "initiated": _firearm_rows(initiated),
            "responded": _firearm_rows(responded),
            "traced": _firearm_rows(traced),
        }
    return stats


def _firearm_rows(qs):
    rows = []
    for firearm in qs.select_related("case").order_by("case__reference", "item_number")[:500]:
        rows.append({"label": str(firearm), "case": firearm.case.reference,
                     "url": reverse("seizures:firearm-detail",
                                    kwargs={"reference": firearm.case.reference, "pk": firearm.pk})})
    return rows


def statistics_csv_rows(stats: Statistics):
    """(section, item, count) rows of the aggregate figures; no record details."""
    yield ("period", "from", str(stats.date_from or ""))
    yield ("period", "to", str(stats.date_to or ""))
    yield ("scope", stats.scope, "")
    yield ("totals", "seizures", stats.seizures)
    yield ("totals", "firearms", stats.firearms)
    for title, values in stats.categories():
        for key, n in values.items():
            yield (title, key, n)
    for key, n in stats.tracing.items():
        yield ("Tracing", key, n)
    yield ("Tracing", "Tracing requests sent", stats.tracing_requests_sent)
    yield ("SDG 16.4.2", "traced or established (numerator)", stats.sdg_numerator)
    yield ("SDG 16.4.2", "seized, found or surrendered (denominator)", stats.sdg_denominator)
    yield ("SDG 16.4.2", "proportion", "" if stats.sdg_1642 is None else f"{stats.sdg_1642:.4f}")
    for row in stats.persons_by_sex_and_age:
        yield ("Persons by sex and age group", f"{row['sex']}, {row['age_group']}", row["count"])

