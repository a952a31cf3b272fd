"""Hand-built ledgers with known answers for the analysis tests."""
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.access import Handling
from cases.services import evidence_upload
from finance.models import Account, CryptoMovement, CryptoTransaction, Import, Party, Transaction
from finance.normalize import identifier_normalized, name_normalized

T0 = timezone.make_aware(datetime(2026, 3, 2, 10, 0))


class LedgerFactory:
    """ledger.account("A"), ledger.tx("A", "B", 1000, day=1) …  Accounts are named by short labels."""

    def __init__(self, case, user, handling=Handling.TEAM):
        self.case, self.user, self.handling = case, user, handling
        ev = evidence_upload(case=case, by=user, handling=handling,
                             upload=SimpleUploadedFile(f"ledger-{handling}.csv", b"a,b\n1,2\n", "text/csv"))
        self.imp = Import.objects.create(
            case=case, created_by=user, handling=handling, origin_agency=user.agency, evidence=ev, format="csv",
            sha256=ev.sha256 if hasattr(ev, "sha256") else "0" * 64, original_name=f"ledger-{handling}.csv",
            status="imported")
        self.accounts, self.parties = {}, {}
        self.row = 1

    def _common(self):
        self.row += 1
        return dict(case=self.case, created_by=self.user, handling=self.handling, origin_agency=self.user.agency,
                    source_import=self.imp, source_row=self.row)

    def party(self, name, country="", entity=None):
        if name not in self.parties:
            self.parties[name] = Party.objects.create(**self._common(), name=name, name_normalized=name_normalized(name),
                                                      country=country, entity=entity, kind="person")
        return self.parties[name]

    def account(self, label, holder=None, country="HR", kind="bank", chain=""):
        if label not in self.accounts:
            acc = Account.objects.filter(case=self.case, kind=kind, chain=chain,
                                         identifier_normalized=identifier_normalized(label)).first()
            if acc is not None:  # made by another factory of the same case
                self.accounts[label] = acc
                return acc
            acc = Account.objects.create(**self._common(), kind=kind, identifier=label,
                                         identifier_normalized=identifier_normalized(label), country=country,
                                         chain=chain, institution="Test Bank" if kind == "bank" else "")
            if holder:
                acc.holders.add(self.party(holder) if isinstance(holder, str) else holder)
            self.accounts[label] = acc
        return self.accounts[label]

    def tx(self, src, dst, amount, day=0, hours=0, channel="transfer", external_id=""):
        amount = Decimal(str(amount))
        return Transaction.objects.create(
            **self._common(), booked_at=T0 + timedelta(days=day, hours=hours), amount=amount, currency="EUR",
            amount_reference=amount, reference_currency="EUR",
            debit_account=self.account(src) if src else None, credit_account=self.account(dst) if dst else None,
            channel=channel, external_id=external_id or f"TX{self.row}", match_key=f"k{self.row}")

    def crypto(self, inputs, outputs, day=0, tx_hash=None, chain="btc"):
        """inputs/outputs: [(address label, value in BTC)]."""
        ctx = CryptoTransaction.objects.create(
            **self._common(), chain=chain, tx_hash=tx_hash or f"h{self.row:062d}", block_time=T0 + timedelta(days=day),
            asset="BTC", model="utxo")
        for side, items in (("in", inputs), ("out", outputs)):
            for pos, (label, value) in enumerate(items):
                CryptoMovement.objects.create(
                    case=self.case, created_by=self.user, handling=self.handling, origin_agency=self.user.agency,
                    transaction=ctx, side=side, position=pos,
                    address=self.account(label, kind="crypto", chain=chain, country=""), value=Decimal(str(value)))
        return ctx


@pytest.fixture
def ledger(world):
    return LedgerFactory(world.case, world.users["analyst"])


@pytest.fixture
def fiu_ledger(world):
    return LedgerFactory(world.case, world.users["analyst"], handling=Handling.FIU)


@pytest.fixture
def run_analysis(world, django_capture_on_commit_callbacks):
    """run_analysis("trace", {...}, by="analyst") -> the AnalysisRun after its job ran (eager)."""
    from finance.analysis import services

    def _run(kind, params=None, by="analyst", case=None):
        user = world.users[by] if isinstance(by, str) else by
        with django_capture_on_commit_callbacks(execute=True):
            run = services.analysis_start(case=case or world.case, by=user, kind=kind, params=params or {})
        run.refresh_from_db()
        return run

    return _run
