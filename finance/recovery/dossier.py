"""The dossier section “Assets and legal measures” (contract: cases/dossier/base.py)."""
from cases.dossier.base import ChronologyEntry, DossierSection, SectionContent, dossier_records, record_ref

from .models import Asset, AssetHolder, LegalMeasure
from .selectors import compute_totals


class AssetsSection(DossierSection):
    key, title, order = "assets", "Assets and legal measures", 600
    template = "recovery/dossier_section.html"
    description = "Assets identified, their holders, the freeze, seizure and confiscation measures, and totals."

    def applies(self, case):
        return Asset.objects.filter(case=case).exists()

    def collect(self, case, user, period):
        assets = list(dossier_records(Asset, case=case, user=user).prefetch_related("identifiers")
                      .order_by("kind", "label"))
        asset_ids = [a.pk for a in assets]
        measures = list(period.filter(dossier_records(LegalMeasure, case=case, user=user, handled_via="asset")
                                      .filter(asset_id__in=asset_ids), "issued_on", is_date=True)
                        .select_related("created_by").order_by("issued_on", "pk"))
        holders = list(dossier_records(AssetHolder, case=case, user=user, handled_via="asset")
                       .filter(asset_id__in=asset_ids).exclude(entity__handling="fiu", entity__fiu_released_at__isnull=True)
                       .select_related("entity"))
        by_asset = {a.pk: {"asset": a, "measures": [], "holders": []} for a in assets}
        for m in measures:
            by_asset[m.asset_id]["measures"].append(m)
        for h in holders:
            by_asset[h.asset_id]["holders"].append(h)
        totals = compute_totals(assets, case.reference_currency)
        chronology = [ChronologyEntry(m.issued_on, "Legal measure",
                                      f"{by_asset[m.asset_id]['asset'].label}: {m.get_to_state_display().lower()}",
                                      "; ".join(x for x in (m.authority, m.order_reference, m.legal_basis) if x),
                                      str(m.created_by)) for m in measures]
        records = [record_ref(a) for a in assets] + [record_ref(m) for m in measures]
        return SectionContent(data={"items": list(by_asset.values()), "totals": totals, "period": period},
                              records=records, chronology=chronology, count=len(assets))
