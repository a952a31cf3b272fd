"""DEMO-1 gains assets: two frozen bank accounts, a seized vehicle, and a crypto wallet frozen at an
exchange whose freeze order expires in about ten days (so its reminder shows)."""
from datetime import timedelta
from decimal import Decimal

from .models import Asset


def recovery_demo(demo):
    case, u = demo.case, demo.users
    if Asset.objects.filter(case=case).exists():
        return
    from . import services

    asset_officer, prosecutor, lead = u["demo-asset"], u["demo-prosecutor"], u["demo-lead"]
    today = demo.today
    kovac = demo.entities.get("Dario Kovač")
    freight = demo.entities.get("Adriatic Freight Forwarding d.o.o.")

    def holders(*pairs):
        return [{"entity": e, "role": role, "share_percent": share} for e, role, share in pairs if e is not None]

    company_account = services.asset_register(
        case=case, by=asset_officer, kind=Asset.Kind.BANK_ACCOUNT, label="Business account of Adriatic Freight",
        institution="Zagrebačka banka d.d.", jurisdiction="HR", location="Zagreb head office",
        estimated_value=Decimal("184250.00"), currency="EUR", valuation_date=today - timedelta(days=20),
        valuation_source="Balance confirmation of the bank",
        identifiers=[{"kind": "iban", "value": "HR12 1001 0051 8630 0016 0"}],
        holders=holders((freight, "holder", Decimal("100")), (kovac, "beneficial_owner", Decimal("100"))))
    private_account = services.asset_register(
        case=case, by=asset_officer, kind=Asset.Kind.BANK_ACCOUNT, label="Savings account of Dario Kovač",
        institution="Raiffeisenlandesbank", jurisdiction="AT", location="Graz",
        estimated_value=Decimal("61900.00"), currency="EUR", valuation_date=today - timedelta(days=18),
        valuation_source="Reply of the bank to the production order",
        identifiers=[{"kind": "iban", "value": "AT61 1904 3002 3457 3201"}],
        holders=holders((kovac, "holder", Decimal("100"))))
    vehicle = services.asset_register(
        case=case, by=asset_officer, kind=Asset.Kind.VEHICLE, label="Audi Q7, black",
        jurisdiction="HR", location="Police car pound, Zagreb",
        estimated_value=Decimal("48500.00"), currency="EUR", valuation_date=today - timedelta(days=30),
        valuation_source="Court-appointed vehicle appraiser",
        identifiers=[{"kind": "vin", "value": "WAUZZZ4M0HD012345"}, {"kind": "registration_plate", "value": "ZG 4417-KD"}],
        holders=holders((freight, "holder", Decimal("100")), (kovac, "beneficial_owner", None)))
    wallet = services.asset_register(
        case=case, by=asset_officer, kind=Asset.Kind.CRYPTO_WALLET, label="Exchange account with bitcoin balance",
        institution="Bitstamp Europe S.A.", jurisdiction="LU",
        description="Custodial account receiving the darknet-market payouts; balance 0.84 BTC.",
        estimated_value=Decimal("52600.00"), currency="EUR", valuation_date=today - timedelta(days=5),
        valuation_source="Exchange's statement of holdings (EUR value on the day)",
        identifiers=[{"kind": "crypto_address", "value": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "chain": "btc"}],
        holders=holders((kovac, "holder", Decimal("100"))))

    court = "County Court in Zagreb, investigating judge"
    basis = "Criminal Procedure Act art. 557.a (temporary security measure)"
    for asset, order, issued, expires in (
        (company_account, "Kv-I-112/2026", today - timedelta(days=15), today + timedelta(days=75)),
        (private_account, "Kv-I-113/2026", today - timedelta(days=14), today + timedelta(days=76)),
    ):
        services.measure_record(case=case, by=prosecutor, asset=asset, to_state="freeze_requested",
                                authority="Public Prosecution Service", legal_basis=basis, issued_on=issued - timedelta(days=2))
        services.measure_record(case=case, by=asset_officer, asset=asset, to_state="frozen", authority=court,
                                legal_basis=basis, order_reference=order, issued_on=issued,
                                served_on=issued + timedelta(days=1), expires_on=expires,
                                review_on=issued + timedelta(days=60),
                                amount_covered=asset.estimated_value, amount_currency="EUR")
    services.measure_record(case=case, by=lead, asset=vehicle, to_state="seized", authority="National Police",
                            legal_basis="Criminal Procedure Act art. 261 (temporary seizure of objects)",
                            order_reference="SEIZ-2026-0419", issued_on=today - timedelta(days=28),
                            note="Taken at the freight yard during the search.")
    services.measure_record(case=case, by=asset_officer, asset=wallet, to_state="frozen",
                            authority="Tribunal d'arrondissement de Luxembourg (on MLA request)",
                            legal_basis="EU Regulation 2018/1805 (mutual recognition of freezing orders)",
                            order_reference="LU-FRZ-2026-0077", issued_on=today - timedelta(days=80),
                            served_on=today - timedelta(days=79), expires_on=today + timedelta(days=10),
                            amount_covered=Decimal("52600.00"), amount_currency="EUR")
    services.mla_create(case=case, by=prosecutor, reference="MLA-HR-LU-2026-03", requesting_state="HR",
                        requested_state="LU", purpose="freezing", status="executed",
                        legal_basis="EU Regulation 2018/1805; UNTOC art. 13",
                        central_authority="Ministry of Justice (HR) / Parquet général (LU)",
                        sent_on=today - timedelta(days=90), received_on=today - timedelta(days=88),
                        executed_on=today - timedelta(days=80), assets=[wallet])
    services.sharing_create(case=case, by=prosecutor, reference="ASA-2026-01", assets=[wallet],
                            legal_basis="UNTOC art. 14(3)(b)", shares=[("HR", Decimal("60")), ("LU", Decimal("40"))],
                            note="Draft terms agreed between the two central authorities.")
    services.freeze_request_draft(case=case, by=asset_officer, assets=[company_account],
                                  addressee="Zagrebačka banka d.d.", addressee_kind="bank",
                                  addressee_address="Trg bana Josipa Jelačića 10\n10000 Zagreb",
                                  legal_basis=basis)
    # The reminder of the wallet's order shows at once, without waiting for the nightly job.
    services.deadline_reminders_send(today=today)
    demo.log.append("asset recovery: 4 assets, freezes, a seizure, an MLA request, a sharing agreement")
