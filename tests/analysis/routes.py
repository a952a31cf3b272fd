"""Authorization rules for the routes of the money-flow analyses (see tests/authz.py)."""
from datetime import timedelta

from django.utils import timezone

from cases import services as case_services
from cases.access import Action
from finance.analysis import services
from finance.analysis.models import Alert
from tests.authz import ANONYMOUS, Route, case_kwargs, no_kwargs


def _noop(*args, **kwargs):
    return None


class _Lazy:
    """The analysis objects of the world, built on first use (only the rules of this module need them,
    and tests/test_authorization.py calls every module's build for every rule)."""

    def __init__(self, world):
        self._world = world
        self._built = None

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._built is None:
            self._built = _build(self._world)
        return self._built[name]


def build(world):
    world.objects["an"] = _Lazy(world)


def _build(world):
    from seizures import services as seizure_services
    from tests.analysis.conftest import LedgerFactory

    analyst = world.users["analyst"]
    ledger = LedgerFactory(world.case, analyst)
    suspect = case_services.entity_create(case=world.case, by=world.users["lead"], kind="person", name="Ivo Suspect")
    party = ledger.party("Ivo Suspect", entity=suspect)
    ledger.account("HR-A", holder=party)
    for day in range(4):
        ledger.tx(None, "HR-A", 9500, day=day, channel="cash_deposit")
    ledger.tx("HR-A", "HR-B", 20000, day=5)
    ledger.tx("HR-B", "HR-C", 19000, day=6)
    seizure = seizure_services.seizure_record(
        case=world.case, by=world.users["investigator"], reference="SZ-AN", country="HR", context="border_crossing",
        legal_basis="illicit_possession", occurred_at=timezone.now() - timedelta(days=3))
    seizure_services.seizure_party_add(seizure=seizure, by=world.users["investigator"], entity=suspect, role="possessor")
    trace = services.analysis_start(case=world.case, by=analyst, kind="trace",
                                    params={"seeds": [f"account:{ledger.accounts['HR-A'].pk}"]})
    services.analysis_execute(run_id=trace.pk, progress=_noop)
    scan = services.analysis_start(case=world.case, by=analyst, kind="typologies")
    services.analysis_execute(run_id=scan.pk, progress=_noop)
    trace.refresh_from_db()
    edge = trace.result["edges"][0]
    return dict(
        trace=trace, scan=scan, alert=Alert.objects.get(run=scan, typology="structuring"),
        edge={"source": edge["source"], "target": edge["target"]}, seizure=seizure,
        tx=ledger.tx("HR-C", "HR-D", 100, day=7),
        list=services.list_entry_add(case=world.case, by=analyst, kind="jurisdiction", value="KP", list_name="FATF"),
        tag=services.crypto_tag_add(case=world.case, by=analyst, chain="btc", address="bc1qexchange", label="exchange",
                                    name="Binance", source="subpoena", confidence="0.9"),
    )


def built(w):
    """Case kwargs, after building the objects (outside the per-person savepoints)."""
    w.an.trace
    return case_kwargs(w)


def run_pk(name="trace", **extra):
    return lambda w: case_kwargs(w, pk=getattr(w.an, name).pk, **extra)


def api_pk(name):
    return lambda w: {"pk": getattr(w.an, name).pk}


ROUTES = {
    "analysis:runs": Route(Action.VIEW),
    "analysis:new": [
        Route(Action.ADD),
        Route(Action.ADD, method="post", kwargs=built, data=lambda w: {"kind": "trace", "seeds": f"seizure:{w.an.seizure.pk}",
                                                          "direction": "downstream", "hops": 4, "stop_degree": 200}),
    ],
    "analysis:overview": [
        Route(Action.VIEW),
        Route(Action.ADD, method="post", kwargs=built, data=lambda w: {"seizure": w.an.seizure.pk, "transaction": w.an.tx.pk,
                                                          "note": "darknet order"}),
    ],
    "analysis:alerts": Route(Action.VIEW),
    "analysis:alert-detail": [
        Route(Action.VIEW, kwargs=run_pk("alert")),
        Route(Action.CHANGE, method="post", kwargs=run_pk("alert"),
              data=lambda w: {"status": "confirmed", "reason": "Deposits match the suspect's cash sales."}),
    ],
    "analysis:settings": [
        Route(Action.VIEW),
        Route(Action.CHANGE, method="post", data=lambda w: {"settings": '{"structuring": {"threshold": 15000}}'}),
    ],
    "analysis:lists": [
        Route(Action.VIEW),
        Route(Action.ADD, method="post", data=lambda w: {"kind": "jurisdiction", "value": "IR", "list_name": "FATF"}),
    ],
    "analysis:tags": [
        Route(Action.VIEW),
        Route(Action.ADD, method="post", data=lambda w: {"chain": "btc", "address": "bc1qmixer", "label": "mixer",
                                                          "name": "Mixer", "source": "OSINT", "confidence": "0.5"}),
    ],
    "analysis:run-detail": Route(Action.VIEW, kwargs=run_pk()),
    "analysis:run-graph": Route(Action.VIEW, kwargs=run_pk()),
    "analysis:run-edge": Route(Action.VIEW, kwargs=run_pk()),  # without ?source/target: 404 for all
    "analysis:run-export": [
        Route(Action.EXPORT, kwargs=run_pk(fmt="csv")),
        Route(Action.EXPORT, kwargs=run_pk(fmt="ftm.json")),
    ],
    "analysis:run-rerun": Route(Action.ADD, method="post", kwargs=run_pk()),
    "analysis:run-release": Route(Action.RELEASE_FIU, method="post", kwargs=run_pk(), data=lambda w: {"reason": "x"}),
    # --- API ---
    "analysis-run-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case": w.case.reference, "kind": "typologies"}),
    ],
    "analysis-run-detail": Route(Action.VIEW, api=True, kwargs=api_pk("trace")),
    "analysis-run-endpoints": Route(Action.VIEW, api=True, kwargs=api_pk("trace")),
    "analysis-run-export": Route(Action.EXPORT, api=True, kwargs=api_pk("scan")),
    "analysis-run-rerun": Route(Action.ADD, api=True, method="post", kwargs=api_pk("trace")),
    # The world's trace is team material: the FIU analyst is answered that only FIU records are released.
    "analysis-run-release": Route(Action.RELEASE_FIU, api=True, method="post", kwargs=api_pk("trace"),
                                  data=lambda w: {"reason": "x", "confirm_sources": True},
                                  expect=lambda p: {401, 403} if p == ANONYMOUS else {400 if p == "analyst" else 404}),
    "analysis-alert-list": Route(api=True, list_all=True, kwargs=no_kwargs),
    "analysis-alert-detail": Route(Action.VIEW, api=True, kwargs=api_pk("alert")),
    "analysis-alert-decide": Route(Action.CHANGE, api=True, method="post", kwargs=api_pk("alert"),
                                   data=lambda w: {"status": "dismissed", "reason": "Known business"}),
    "analysis-list-entry-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case": w.case.reference, "kind": "name", "value": "Evil Corp", "list_name": "EU"}),
    ],
    "analysis-list-entry-detail": Route(Action.VIEW, api=True, kwargs=api_pk("list")),
    "analysis-crypto-tag-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case": w.case.reference, "chain": "btc", "address": "bc1qdnm",
                              "label": "darknet_market", "name": "Market", "source": "OSINT", "confidence": "0.7"}),
    ],
    "analysis-crypto-tag-detail": Route(Action.VIEW, api=True, kwargs=api_pk("tag")),
}
