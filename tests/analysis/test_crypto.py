"""Clustering and taint on a hand-made UTXO set with known answers."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from finance.analysis import selectors, services
from finance.analysis.engine.crypto import CTx, cluster, taint


@pytest.fixture
def utxo(ledger, world):
    """Wallet W owns w1, w2, w3 (spent together); a CoinJoin mixes w3 with strangers;
    the darknet vendor V collects, pays through v1 to an exchange deposit address."""
    ledger.crypto([("w1", 1.0), ("w2", 0.5)], [("v1", 1.2), ("w3", 0.2999)], day=1)   # W pays V; w3 is change
    ledger.crypto([("v1", 1.2)], [("ex1", 1.19)], day=2)                              # V cashes out at exchange
    ledger.crypto([("w3", 0.1), ("s1", 0.1), ("s2", 0.1), ("s3", 0.1)],
                  [("o1", 0.0999), ("o2", 0.0999), ("o3", 0.0999), ("o4", 0.0999)], day=3)  # coinjoin
    ledger.crypto([("z1", 2.0), ("z2", 1.0)], [("z3", 3.0)], day=4)                   # an unrelated wallet
    analyst = world.users["analyst"]
    services.crypto_tags_import(case=world.case, by=analyst, upload=SimpleUploadedFile(
        "tags.csv", b"chain,address,label,name,source,confidence\nbtc,ex1,exchange,Binance,subpoena reply,0.95\n"
                    b"btc,v1,darknet_market,Hydra vendor,forum OSINT,0.6\n", "text/csv"))
    return ledger


def ids(ledger, *labels):
    return sorted(ledger.accounts[x].pk for x in labels)


def test_common_input_clustering_skips_coinjoin(utxo, run_analysis):
    run = run_analysis("crypto-cluster")
    clusters = {frozenset(a["id"] for a in c["addresses"]) for c in run.result["clusters"]}
    assert frozenset(ids(utxo, "w1", "w2")) in clusters
    assert frozenset(ids(utxo, "z1", "z2")) in clusters
    # the coinjoin did not merge w3 with s1..s3
    assert not any(utxo.accounts["s1"].pk in c for c in clusters if len(c) > 1)
    assert len(run.result["coinjoins"]) == 1
    labelled = [c for c in run.result["clusters"] if c["labels"]]
    assert {lab["name"] for c in labelled for lab in c["labels"]} == {"Binance", "Hydra vendor"}


def test_change_heuristic_with_confidence(utxo, run_analysis):
    run = run_analysis("crypto-cluster", {"change_heuristic": True, "change_min_confidence": 0.7})
    guesses = {g["address"]: g for g in run.result["change"]}
    assert "w3" in guesses  # fresh and non-round, while v1 was... also fresh → round-ness decides
    assert 0 < guesses["w3"]["confidence"] < 1
    w_cluster = next(c for c in run.result["clusters"] if utxo.accounts["w1"].pk in {a["id"] for a in c["addresses"]})
    merged = guesses["w3"]["confidence"] >= 0.7
    assert (utxo.accounts["w3"].pk in {a["id"] for a in w_cluster["addresses"]}) == merged


def test_taint_reaches_the_exchange(utxo, run_analysis):
    run = run_analysis("taint", {"seeds": ["w1"], "method": "haircut"})
    eps = run.result["endpoints"]
    assert [e["address"] for e in eps] == ["ex1"]
    # w1 and w2 are one cluster, so the whole 1.5 BTC input is tainted; 1.2/1.5 went to v1, then 1.19 to ex1
    assert Decimal(eps[0]["amount"]) == Decimal("1.19")
    freeze = selectors.taint_endpoints(run)
    assert freeze[0]["exchange"] == "Binance" and freeze[0]["currency"] == "BTC"
    assert freeze[0]["evidence"]


def test_taint_methods_differ_as_expected():
    # a: tainted 1.0; b: clean 3.0; one tx spends both into x (2.0) and y (2.0)
    txs = [CTx(1, 1, [(1, 100), (2, 300)], [(10, 200), (11, 200)])]
    haircut = taint(txs, {1}, method="haircut")
    assert haircut.tainted == {10: 50, 11: 50}
    poison = taint(txs, {1}, method="poison")
    assert poison.tainted == {10: 200, 11: 200}
    fifo = taint(txs, {1}, method="fifo")
    assert fifo.tainted == {10: 100}  # the first output takes the first (tainted) lot
    # stopping at an exchange: tainted value reaching it does not go further
    txs.append(CTx(2, 2, [(10, 200)], [(12, 200)]))
    stopped = taint(txs, {1}, method="haircut", stop_at={10: "exchange"})
    assert 12 not in stopped.tainted and stopped.endpoints[0]["address"] == 10


def test_clustering_engine_known_answer():
    txs = [CTx(1, 1, [(1, 5), (2, 5)], [(3, 9)]), CTx(2, 2, [(2, 4), (4, 1)], [(5, 5)]),
           CTx(3, 3, [(6, 1), (7, 1), (8, 1)], [(9, 1), (10, 1), (11, 1)])]
    result = cluster(txs)
    assert result.cluster_of[1] == result.cluster_of[4] == result.cluster_of[2]
    assert result.cluster_of[6] != result.cluster_of[7]
    assert result.coinjoins == [3]


def test_taint_needs_crypto_seeds(ledger, world):
    ledger.tx("A", "B", 100)
    with pytest.raises(ValidationError, match="crypto"):
        services.analysis_start(case=world.case, by=world.users["analyst"], kind="taint", params={"seeds": ["A"]})


def test_tag_import_rejects_bad_rows(world):
    bad = SimpleUploadedFile("t.csv", b"address,label,source,confidence\nabc,exchange,x,2\n", "text/csv")
    with pytest.raises(ValidationError, match="row 2"):
        services.crypto_tags_import(case=world.case, by=world.users["analyst"], upload=bad)
