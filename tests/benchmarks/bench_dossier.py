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
        made = section.bench_build(case, users["lead"], dict(scale, users=users, agencies=agencies))
        built.update(made or {})
    return case, users["prosecutor"], built


if __name__ == "__main__":
    main()
