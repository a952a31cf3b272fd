"""Benchmark: import N rows of a bank CSV (7 columns) into the configured database.

    PARALLAX_TESTING=1 .venv/bin/python tests/benchmarks/bench_import.py [N]          (default 1,000,000)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parallax_bench PARALLAX_TESTING=1 \\
        .venv/bin/python tests/benchmarks/bench_import.py 1000000

Prints rows/s and peak memory of the import (run in a child process, through
`manage.py import_transactions`, the same path as an upload's job) and, on
PostgreSQL, the time of a raw `COPY` of the same file into an indexed table and
the ratio. Target (issue 4): 1,000,000 rows in < 60 s, peak memory < 1.5 GB.
Not collected by pytest (file name does not start with test_).
"""
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def make_csv(path: Path, rows: int):
    from schwifty import IBAN

    rng = random.Random(4)
    pool = []
    for i in range(2000):
        pool.append((f"Counterparty {i:04d} d.o.o.", str(IBAN.generate("HR", bank_code="2340009",
                                                                      account_code=f"{1100000000 + i * 7919:010d}"))))
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("Date,Account,Counterparty,Counterparty IBAN,Reference,Amount,Currency\r\n")
        for i in range(rows):
            name, iban = pool[rng.randrange(len(pool))]
            amount = rng.randint(-500000, 500000) or 1
            out.write(f"2026-{1 + i % 12:02d}-{1 + i % 28:02d},HR1210010051863000160,{name},{iban},"
                      f"Invoice {i},{amount / 100:.2f},EUR\r\n")


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    env = os.environ.copy()
    env.setdefault("PARALLAX_TESTING", "1")
    env.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    env["EVIDENCE_ROOT"] = str(work / "evidence")
    env["UPLOAD_MAX_BYTES"] = str(2 * 1024 ** 3)
    csv_path = work / "bank.csv"
    started = time.monotonic()
    make_csv(csv_path, rows)
    print(f"generated {rows:,} rows ({csv_path.stat().st_size / 1e6:.1f} MB) in {time.monotonic() - started:.1f} s")
    python = sys.executable
    manage = str(ROOT / "manage.py")
    if env["DATABASE_URL"].startswith("postgres"):
        _reset_postgres(env["DATABASE_URL"])
    subprocess.run([python, manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([python, manage, "shell", "-c", SETUP], env=env, check=True, cwd=ROOT)
    command = [python, manage, "import_transactions", str(csv_path), "--case", "BENCH-1", "--as", "bench-analyst",
               "--format", "csv"]
    started = time.monotonic()
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, rusage_children = None, None
    out, err = child.communicate()
    elapsed = time.monotonic() - started
    peak = _peak_child_rss_mb()
    import resource
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    if child.returncode:
        print(out[-2000:], err[-4000:])
        raise SystemExit(f"import failed ({child.returncode})")
    print(out.strip().splitlines()[-2])
    print(f"import: {rows:,} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s; peak memory {peak:,.0f} MB; "
          f"CPU time of the importing processes {cpu:.1f} s (database server not included); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if env["DATABASE_URL"].startswith("postgres"):
        copy = _raw_copy(env["DATABASE_URL"], csv_path)
        print(f"raw COPY of the same file into an indexed table: {copy:.1f} s; import / COPY = {elapsed / copy:.1f}x")


SETUP = """
from cases import services
from cases.access import Role
agency = services.agency_create(name="Bench FIU", country="HR", kind="fiu")
user = services.user_create(username="bench-analyst", password="x-bench-password-1", agency=agency)
case = services.case_open(by=user, reference="BENCH-1", title="Benchmark")
"""


def _peak_child_rss_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _reset_postgres(url):
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _raw_copy(url, csv_path):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw")
        conn.execute("CREATE TABLE bench_raw (id bigserial primary key, booked date, account text, name text, "
                     "iban text, reference text, amount numeric(20,4), currency char(3))")
        conn.execute("CREATE INDEX ON bench_raw (booked)")
        conn.execute("CREATE INDEX ON bench_raw (iban)")
        started = time.monotonic()
        with conn.cursor() as cur, open(csv_path, "rb") as handle:
            with cur.copy("COPY bench_raw (booked, account, name, iban, reference, amount, currency) "
                          "FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        elapsed = time.monotonic() - started
        conn.execute("DROP TABLE bench_raw")
    return elapsed


if __name__ == "__main__":
    main()
