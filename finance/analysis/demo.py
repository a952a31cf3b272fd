"""DEMO-1's analyses: tags, a list, the darknet order linked to the seizure, and runs that show
a trace from the seized lorry's people to the darknet vendor's wallet, typology alerts, clusters
and the tainted bitcoin reaching an exchange. Idempotent: does nothing once DEMO-1 has runs."""
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile


def _run(kind, params, *, case, by, title):
    from cases import jobs

    from . import services

    run = services.analysis_start(case=case, by=by, kind=kind, params=params, title=title, enqueue=False)
    jobs.job_mark_running(run.job_id)
    result = services.analysis_execute(run_id=run.pk, progress=lambda *a, **k: None)
    jobs.job_mark_succeeded(run.job_id, result)
    run.refresh_from_db()
    return run


def build_demo(demo):
    from finance import demo as finance_demo
    from finance.models import Account, CryptoTransaction, FxRate, Import, ResolutionSuggestion
    from finance.normalize import name_normalized
    from finance.resolution import suggestion_decide
    from seizures.models import Seizure, SeizureParty

    from . import services
    from .models import Alert, AnalysisRun

    case = demo.case
    if AnalysisRun.objects.filter(case=case).exists():
        return
    if not Import.objects.filter(case=case, status="imported").exists():
        demo.log.append("analysis: no ledger in DEMO-1, no demo analyses")
        return
    analyst, admin = demo.users["demo-analyst"], demo.users["demo-admin"]

    # The imported parties are the case's persons (the analyst confirms the name matches).
    for s in ResolutionSuggestion.objects.filter(case=case, status="open", entity__isnull=False).select_related(
            "party", "entity"):
        if name_normalized(s.party.name) == name_normalized(s.entity.name):
            suggestion_decide(suggestion=s, by=analyst, confirm=True)

    # Bitcoin reference rates, so crypto payments join the money-flow picture in EUR.
    start = demo.today - timedelta(days=130)
    for offset in range(0, 140, 14):
        on = start + timedelta(days=offset)
        if not FxRate.objects.filter(currency="BTC", quote_currency="EUR", on=on).exists():
            services.crypto_price_set(by=admin, asset="BTC", quote_currency="EUR", on=on,
                                      rate=Decimal("58000") + offset * 25, source="Exchange reference price (demo)")

    vendor = finance_demo._btc_address("vendor-hot-wallet")
    exchange = finance_demo._btc_address("exchange-deposit")
    services.crypto_tags_import(case=case, by=analyst, upload=SimpleUploadedFile("address-attributions.csv", (
        "chain,address,label,name,source,confidence\n"
        f"btc,{exchange},exchange,Bitstamp Europe S.A.,Exchange reply to production order 2026/44,0.98\n"
        f"btc,{vendor},darknet_market,Vendor 'BalkanIron' (darknet market),Undercover test purchase,0.85\n"
    ).encode(), "text/csv"))
    services.list_import(case=case, by=analyst, list_name="Arms-embargo watchlist (demo)", upload=SimpleUploadedFile(
        "watchlist.csv", b"kind,value,reason\nname,Nordwaffen Handels GmbH,Broker named in an embargo violation report\n"
                         b"jurisdiction,KP,UN arms embargo\n", "text/csv"))

    # The darknet order behind the seizure: the buyer's first payment to the vendor.
    seizure = Seizure.objects.filter(case=case).order_by("occurred_at").first()
    vendor_account = Account.objects.filter(case=case, kind="crypto", identifier=vendor).first()
    order = None
    if vendor_account:
        order = (CryptoTransaction.objects.filter(case=case, movements__side="out", movements__address=vendor_account)
                 .order_by("block_time").first())
    if seizure and order:
        services.seizure_payment_mark(case=case, by=analyst, seizure=seizure, crypto_transaction=order,
                                      note="Darknet order for the converted revolvers (undercover chat log)")

    if seizure and SeizureParty.objects.filter(seizure=seizure).exists():
        trace = _run("trace", {"seeds": [f"seizure:{seizure.pk}"], "direction": "downstream", "hops": 4},
                     case=case, by=analyst, title=f"Money around seizure {seizure.reference}")
        demo.log.append(f"analysis: trace from seizure {seizure.reference}: {trace.summary}")
        # The FIU consents to the trace being used in evidence, so it reaches the team and the dossier.
        services.run_release_fiu(run=trace, by=analyst,
                                 reason="FIU consent for evidential use of the trace, ref. FIU-2026-121",
                                 confirm_sources=True)
    scan = _run("typologies", {}, case=case, by=analyst, title="Full ledger scan")
    _run("crypto-cluster", {"change_heuristic": True}, case=case, by=analyst, title="Darknet wallets")
    buyer = [finance_demo._btc_address(f"mila-{i}") for i in range(3)]
    known = set(Account.objects.filter(case=case, kind="crypto", identifier__in=buyer).values_list("identifier", flat=True))
    if known:
        taint = _run("taint", {"seeds": sorted(known), "method": "fifo"}, case=case, by=analyst,
                     title="Buyer's bitcoin to exchanges")
        demo.log.append(f"analysis: taint to exchanges: {taint.summary}")
    structuring = Alert.objects.filter(run=scan, typology="structuring").order_by("-score").first()
    if structuring:
        services.alert_decide(alert=structuring, by=analyst, status="confirmed",
                              reason="Cash deposits match the dates of the lorry's trips; the STR confirms them.")
    if scan.handling == "fiu" and not scan.fiu_released_at:
        services.run_release_fiu(run=scan, by=analyst,
                                 reason="FIU consent for evidential use of the confirmed alerts, ref. FIU-2026-122",
                                 confirm_sources=True)
    other = Alert.objects.filter(run=scan, status="open").exclude(typology__in=["structuring", "listed"]).order_by(
        "score").first()
    if other:
        services.alert_decide(alert=other, by=analyst, status="dismissed",
                              reason="Regular business pattern of the freight company (customer invoices).")
    demo.log.append(f"analysis: typology scan with {scan.summary.get('alerts', 0)} alerts, "
                    f"crypto clustering and taint")
