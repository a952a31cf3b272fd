"""Benchmark: render the dossier of a large case; prints render time, page count and peak memory.

    PARALLAX_TESTING=1 .venv/bin/python tests/benchmarks/bench_dossier.py [--small]

Builds a fresh database (a temporary SQLite file unless DATABASE_URL is set):
the core case data (team, persons and organisations, links, notes, tasks,
evidence files) through the services, then asks every registered dossier
section for its share through its `bench_build(case, user, scale)` hook — the
issue's target is 500 firearms, 2,000 custody events, 50 tracing requests,
100,000 transactions and 200 assets, which the seizures and finance sections
build when they implement the hook. The dossier is then rendered by
`manage.py dossier` in a child process (as the CLI and the worker do), so the
peak memory printed is the renderer's own. Target: <= 60 s and <= 1 GB.
"""
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SCALE = {
    "firearms": 500, "custody_events": 2000, "tracing_requests": 50, "transactions": 100_000, "assets": 200,
    # core data of the case
    "persons": 150, "organisations": 60, "links": 300, "notes": 600, "tasks": 150, "evidence": 120,
}
SMALL = {key: max(1, value // 20) for key, value in SCALE.items()}


def main():
    scale = SMALL if "--small" in sys.argv else SCALE
    work = Path(tempfile.mkdtemp(prefix="bench-dossier-"))
    env = os.environ.copy()
    env.setdefault("PARALLAX_TESTING", "1")
    env.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    env["EVIDENCE_ROOT"] = str(work / "evidence")
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    case, prosecutor, built = build(scale)
    print(f"built the case in {time.perf_counter() - started:.1f} s: "
          + ", ".join(f"{k} {v}" for k, v in built.items()))

    from django.db import connections

    connections.close_all()
    out = work / "bench.pdf"
    command = [sys.executable, str(ROOT / "manage.py"), "dossier", "--case", case.reference, "--as",
               prosecutor.username, "--out", str(out)]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stdout, result.stderr, file=sys.stderr)
        raise SystemExit("dossier rendering failed")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    from cases.models import Dossier

    dossier = Dossier.objects.order_by("-pk").first()
    render_seconds = next((e.details.get("render_seconds") for e in _generate_events(dossier)), None)
    print(f"dossier {dossier.identifier}: {dossier.page_count} pages, {dossier.pdf_size / 1e6:.1f} MB, "
          f"{sum(len(s['records']) for s in dossier.manifest['sections'])} records")
    print(f"render time (whole command) {seconds:.1f} s; layout+PDF {render_seconds} s; "
          f"peak memory of the renderer {peak_mb:.0f} MB")
    print(f"sections: {', '.join(dossier.sections)}")
    missing = [key for key in ("firearms", "custody_events", "tracing_requests", "transactions", "assets")
               if key not in built]
    if missing:
        print(f"NOT BUILT (no registered section implements bench_build for them yet): {', '.join(missing)}")
    ok = seconds <= 60 and peak_mb <= 1024
    print("target (<= 60 s, <= 1 GB):", "met" if ok else "NOT met")


def _generate_events(dossier):
    from cases.models import AuditEvent

    return AuditEvent.objects.filter(object_type="cases.Dossier", object_id=str(dossier.pk), action="dossier.generate")


def build(scale):
    import random
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.utils import timezone

    from cases import services
    from cases.access import Handling, Role
    from cases.dossier.base import registered_sections
    from cases.models import Entity, Note, Task

    rng = random.Random(7)
    agencies = {key: services.agency_create(name=name, kind=kind, country="HR", short_name=key.upper())
                for key, name, kind in (("police", "National Police", "police"), ("customs", "Customs", "customs"),
                                        ("fiu", "Financial Intelligence Unit", "fiu"),
                                        ("prosecution", "State Prosecution", "prosecution"))}
    users = {name: services.user_create(username=f"bench-{name}", password="bench-password-123",
                                        agency=agencies[agency], first_name=name.title())
             for name, agency in (("lead", "police"), ("investigator", "customs"), ("analyst", "fiu"),
                                  ("prosecutor", "prosecution"))}
    case = services.case_open(by=users["lead"], reference="BENCH-1", title="Benchmark case",
                              opened_on=timezone.localdate() - timedelta(days=400),
                              summary="A large case for the dossier benchmark.")
    for name, role in (("investigator", Role.INVESTIGATOR), ("analyst", Role.FINANCIAL_ANALYST),
                       ("prosecutor", Role.PROSECUTOR)):
        services.membership_add(case=case, by=users["lead"], user=users[name], role=role)
    built = {}
    with transaction.atomic():
        entities = []
        for i in range(scale["persons"]):
            entities.append(services.entity_create(case=case, by=users["lead"], kind="person",
                                                   name=f"Person {i:04d}", role_in_case=rng.choice(Entity.CaseRole.values),
                                                   identifiers=[{"kind": "passport", "value": f"P{i:07d}", "country": "HR"}]))
        for i in range(scale["organisations"]):
            entities.append(services.entity_create(case=case, by=users["investigator"], kind="organisation",
                                                   name=f"Company {i:04d} d.o.o.", role_in_case="carrier", country="HR"))
        for _ in range(scale["links"]):
            a, b = rng.sample(entities, 2)
            services.link_add(case=case, by=users["lead"], source=a, target=b, kind="associate")
        for i in range(scale["notes"]):
            handling = Handling.AGENCY if i % 10 == 0 else Handling.TEAM
            services.note_add(case=case, by=users["lead"], title=f"Observation {i}", handling=handling,
                              body="Surveillance log entry. " * rng.randint(2, 12))
        for i in range(scale["tasks"]):
            services.task_create(case=case, by=users["lead"], title=f"Task {i}", assignee=users["investigator"])
        # spread the records over the year so the chronology and its chart are realistic
        now = timezone.now()
        for model in (Note, Task, Entity):
            for pk in model.objects.filter(case=case).values_list("pk", flat=True):
                model.objects.filter(pk=pk).update(created_at=now - timedelta(days=rng.randint(0, 380)))
    for i in range(scale["evidence"]):
        services.evidence_upload(case=case, by=users["investigator"], title=f"Exhibit {i}",
                                 upload=SimpleUploadedFile(f"exhibit-{i}.csv", f"row,value\n{i},{rng.random()}\n".encode(),
                                                           "text/csv"))
    built.update({k: scale[k] for k in ("persons", "organisations", "links", "notes", "tasks", "evidence")})
    for section in registered_sections():
        started = time.perf_counter()
        made = section.bench_build(case, users["lead"], dict(scale, users=users, agencies=agencies))
        if made:
            print(f"  {section.key}: bench_build {made} in {time.perf_counter() - started:.1f} s", flush=True)
        built.update(made or {})
    # The finance sections have no bench_build hook: build their share here.
    if "transactions" not in built:
        started = time.perf_counter()
        built.update(build_ledger(case, users, scale["transactions"]))
        print(f"  ledger and analyses in {time.perf_counter() - started:.1f} s", flush=True)
    if "assets" not in built:
        started = time.perf_counter()
        built.update(build_assets(case, users, scale["assets"]))
        print(f"  assets in {time.perf_counter() - started:.1f} s", flush=True)
    return case, users["prosecutor"], built


def build_ledger(case, users, n_transactions):
    """`n_transactions` bank transactions over a few thousand accounts (bulk insert, as the finance
    import benchmark does), with planted structuring and pass-through patterns; then a typology scan
    and a money-flow trace run in-process, and a share of the alerts confirmed by the analyst."""
    import random
    from datetime import timedelta
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction
    from django.utils import timezone

    from cases import services
    from finance.analysis import services as analysis
    from finance.analysis.models import Alert
    from finance.models import Account, Import, Transaction

    rng = random.Random(11)
    analyst = users["analyst"]
    n_accounts = max(50, n_transactions // 20)
    evidence = services.evidence_upload(case=case, by=analyst, title="Bank statements (benchmark)",
                                        upload=SimpleUploadedFile("statements.csv", b"date,amount\n", "text/csv"))
    imp = Import.objects.create(case=case, created_by=analyst, origin_agency=analyst.agency, evidence=evidence,
                                format="csv", sha256=evidence.sha256, original_name="statements.csv", status="imported")
    now = timezone.now()
    start = now - timedelta(days=370)
    common = dict(case_id=case.pk, created_by_id=analyst.pk, origin_agency_id=analyst.agency_id, handling="team",
                  source_import_id=imp.pk, created_at=now, updated_at=now)
    rows = []  # (debit index or None, credit index, seconds after start, amount, channel)
    planted = n_accounts - 1
    for _ in range(max(2, n_transactions // 5000)):  # structuring: cash deposits just under 10,000
        t = rng.randint(0, 340 * 86400)
        for k in range(rng.randint(4, 6)):
            rows.append((None, planted, t + k * 86400 + rng.randint(0, 3600), rng.uniform(9000, 9990), "cash_deposit"))
        planted -= 1
    for _ in range(max(2, n_transactions // 5000)):  # pass-through mules
        mule = planted
        t = rng.randint(0, 300 * 86400)
        for k in range(4):
            x = rng.uniform(2000, 8000)
            rows.append((planted - 1 - 2 * k, mule, t + k * 7 * 86400, x, "transfer"))
            rows.append((mule, planted - 2 - 2 * k, t + k * 7 * 86400 + 6 * 3600, x * 0.97, "transfer"))
        planted -= 9
    while len(rows) < n_transactions:
        a, b = rng.randrange(planted), rng.randrange(planted)
        if a != b:
            rows.append((a, b, rng.randint(0, 365 * 86400), min(rng.lognormvariate(5.5, 1.2), 8900), "transfer"))
    rows = rows[:n_transactions]
    with transaction.atomic():
        Account.objects.bulk_create([Account(**common, kind="bank", identifier=f"HR10BENCH{i:09d}",
                                             identifier_normalized=f"HR10BENCH{i:09d}", country="HR",
                                             institution=f"Bank {i % 7}") for i in range(n_accounts)], batch_size=5000)
        ids = dict(Account.objects.filter(case=case).values_list("identifier", "id"))
        acc = [ids[f"HR10BENCH{i:09d}"] for i in range(n_accounts)]
        fields = [f for f in Transaction._meta.concrete_fields if not f.primary_key]
        cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        sql = f"INSERT INTO {Transaction._meta.db_table} ({cols}) VALUES ({', '.join(['%s'] * len(fields))})"

        def adapt(field, value):
            if value is None:
                return None
            kind = field.get_internal_type()
            if kind == "DateTimeField":
                return connection.ops.adapt_datetimefield_value(value)
            if kind == "DecimalField":
                return connection.ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
            return value

        batch = []
        with connection.cursor() as cursor:
            for i, (debit, credit, seconds, amount, channel) in enumerate(rows):
                amount = Decimal(f"{amount:.2f}")
                values = {**common, "booked_at": start + timedelta(seconds=seconds), "amount": amount,
                          "currency": "EUR", "amount_reference": amount, "reference_currency": "EUR",
                          "debit_account_id": None if debit is None else acc[debit], "credit_account_id": acc[credit],
                          "channel": channel, "external_id": f"B{i}", "match_key": f"m{i}", "source_row": i + 2,
                          "source_path": "", "reference": f"Invoice {rng.randint(1000, 99999)}"}
                batch.append([adapt(f, values.get(f.attname)) for f in fields])
                if len(batch) >= 20000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    built = {"transactions": Transaction.objects.filter(case=case).count(), "accounts": n_accounts}

    def run(kind, params):
        started = analysis.analysis_start(case=case, by=analyst, kind=kind, params=params, enqueue=False)
        analysis.analysis_execute(run_id=started.pk, progress=lambda *a, **k: None)
        return started

    run("typologies", {})
    hub = acc[n_accounts - 1 - max(2, n_transactions // 5000)]  # the first mule
    run("trace", {"seeds": [f"account:{hub}"], "hops": 3, "direction": "both"})
    alerts = list(Alert.objects.filter(case=case).order_by("-score", "id"))
    for i, alert in enumerate(alerts[:40]):
        status = Alert.Status.CONFIRMED if i % 4 else Alert.Status.DISMISSED
        analysis.alert_decide(alert=alert, by=analyst, status=status, reason="Reviewed against the bank statements")
    built.update(alerts=len(alerts), confirmed_alerts=sum(1 for i in range(min(40, len(alerts))) if i % 4))
    return built


def build_assets(case, users, n_assets):
    """`n_assets` assets through the recovery services; most frozen, some seized and confiscated."""
    import random
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from finance.recovery import services as recovery
    from finance.recovery.models import AssetKind, AssetState

    rng = random.Random(13)
    by = users["lead"]
    today = timezone.localdate()
    measures = 0
    for i in range(n_assets):
        kind = rng.choice((AssetKind.BANK_ACCOUNT, AssetKind.BANK_ACCOUNT, AssetKind.VEHICLE, AssetKind.REAL_ESTATE,
                           AssetKind.CASH, AssetKind.VESSEL, AssetKind.COMPANY_SHARES))
        asset = recovery.asset_register(case=case, by=by, kind=kind, label=f"{kind.label} {i:03d}", jurisdiction="HR",
                                        estimated_value=Decimal(rng.randint(2_000, 900_000)), currency="EUR",
                                        valuation_date=today - timedelta(days=rng.randint(10, 200)),
                                        valuation_source="Benchmark valuation")
        path = rng.choice(([], [AssetState.FROZEN], [AssetState.FROZEN], [AssetState.SEIZED],
                           [AssetState.SEIZED, AssetState.CONFISCATED]))
        for k, state in enumerate(path):
            recovery.measure_record(case=case, by=by, asset=asset, to_state=state, authority="County Court Zagreb",
                                    legal_basis="Art. 557 Criminal Procedure Act",
                                    issued_on=today - timedelta(days=150 - 40 * k))
            measures += 1
    return {"assets": n_assets, "legal_measures": measures}


if __name__ == "__main__":
    main()
