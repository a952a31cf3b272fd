"""Blockchain exports: UTXO chains (one row per input or output) and account-model chains (from/to rows).

UTXO CSV columns: chain, tx_hash, block_time, side (in/out), address, value [, position, fee, block_height]
Account-model CSV columns: chain, tx_hash, block_time, from, to, value [, asset, fee, block_height]
Addresses are checked per chain (base58check, bech32/bech32m, EIP-55).
"""
import csv
import io
from collections import OrderedDict

from finance import validation as v

from .base import FileRejected, ParsedCrypto, RowError, decode_text

UTXO_COLUMNS = {"chain", "tx_hash", "block_time", "side", "address", "value"}
ACCOUNT_COLUMNS = {"chain", "tx_hash", "block_time", "from", "to", "value"}
NATIVE_ASSET = {"btc": "BTC", "btc-testnet": "tBTC", "ltc": "LTC", "doge": "DOGE", "bch": "BCH", "eth": "ETH",
                "bsc": "BNB", "polygon": "POL", "arbitrum": "ETH", "optimism": "ETH", "avalanche": "AVAX", "base": "ETH"}
ALIASES = {"hash": "tx_hash", "txid": "tx_hash", "transaction_hash": "tx_hash", "timestamp": "block_time",
           "time": "block_time", "direction": "side", "io": "side", "amount": "value", "from_address": "from",
           "to_address": "to", "network": "chain", "token": "asset", "symbol": "asset", "vout": "position",
           "index": "position", "height": "block_height", "block": "block_height"}


def _table(data, name):
    text, _ = decode_text(data, name)
    sample = "\n".join(text.splitlines()[:5])
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise FileRejected(f"“{name}” has no header row.")
    header = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    return header, reader


def detect(data, name) -> str | None:
    try:
        header, _ = _table(data, name)
    except FileRejected:
        return None
    if UTXO_COLUMNS <= set(header):
        return "crypto-utxo"
    if ACCOUNT_COLUMNS <= set(header):
        return "crypto-account"
    return None


def _common(r, row, errors):
    chain = v.normalize_chain(row.get("chain", ""))
    if chain not in v.UTXO_CHAINS and chain not in v.ACCOUNT_CHAINS:
        errors.append(RowError(r, "chain", row.get("chain", ""), "unknown chain"))
    tx_hash = row.get("tx_hash", "").strip()
    hexpart = tx_hash[2:] if tx_hash.lower().startswith("0x") else tx_hash
    if len(hexpart) != 64 or any(c not in "0123456789abcdefABCDEF" for c in hexpart):
        errors.append(RowError(r, "tx_hash", tx_hash, "not a 64-digit hex transaction hash"))
    block_time = None
    raw_time = row.get("block_time", "")
    try:
        if raw_time.isdigit():
            from datetime import datetime, timezone as tz
            block_time = datetime.fromtimestamp(int(raw_time), tz=tz.utc)
        else:
            block_time = v.parse_datetime(raw_time)
    except (v.Invalid, ValueError, OverflowError):
        errors.append(RowError(r, "block_time", raw_time, "not a date/time or Unix timestamp"))
    value = None
    try:
        value = v.parse_amount(row.get("value", ""))
        if value < 0:
            errors.append(RowError(r, "value", row.get("value", ""), "value must not be negative"))
    except v.Invalid as exc:
        errors.append(RowError(r, "value", row.get("value", ""), str(exc)))
    fee = None
    if row.get("fee", "").strip():
        try:
            fee = v.parse_amount(row["fee"])
        except v.Invalid as exc:
            errors.append(RowError(r, "fee", row["fee"], str(exc)))
    height = None
    if row.get("block_height", "").strip():
        if row["block_height"].strip().isdigit():
            height = int(row["block_height"])
        else:
            errors.append(RowError(r, "block_height", row["block_height"], "not a block number"))
    return chain, tx_hash.lower() if chain in v.ACCOUNT_CHAINS else tx_hash.lower(), block_time, value, fee, height


def _address(r, field, value, chain, errors):
    try:
        return v.check_crypto_address(value, chain)
    except v.Invalid as exc:
        errors.append(RowError(r, field, value, f"not a valid {chain} address: {exc}"))
        return None


def _rows(data, name, required):
    header, reader = _table(data, name)
    missing = sorted(required - set(header))
    if missing:
        raise FileRejected(f"“{name}”: required column(s) {', '.join(missing)} missing from the header.")
    for number, raw in enumerate(reader, start=2):
        if not any(c.strip() for c in raw):
            continue
        if len(raw) < len(header):
            yield number, None
            continue
        yield number, dict(zip(header, (c.strip() for c in raw)))


def parse_utxo(data: bytes, name: str, options: dict):
    grouped: "OrderedDict[tuple, ParsedCrypto]" = OrderedDict()
    failed = set()
    for number, row in _rows(data, name, UTXO_COLUMNS):
        r = str(number)
        if row is None:
            yield RowError(r, "(row)", "", "the row has fewer columns than the header (truncated file?)")
            continue
        errors = []
        chain, tx_hash, block_time, value, fee, height = _common(r, row, errors)
        side = row["side"].lower()
        if side not in ("in", "input", "out", "output"):
            errors.append(RowError(r, "side", row["side"], "must be in or out"))
        if chain in v.ACCOUNT_CHAINS:
            errors.append(RowError(r, "chain", row["chain"], "an account-model chain in a UTXO export"))
        address = _address(r, "address", row["address"], chain, errors) if chain in v.UTXO_CHAINS else None
        key = (chain, tx_hash)
        if errors:
            failed.add(key)
            yield from errors
            continue
        tx = grouped.get(key)
        if tx is None:
            tx = grouped[key] = ParsedCrypto(number, "", chain, tx_hash, block_time, NATIVE_ASSET.get(chain, chain.upper()),
                                             "utxo", fee=fee, block_height=height)
        elif tx.block_time != block_time:
            failed.add(key)
            yield RowError(r, "block_time", row["block_time"], f"differs from the earlier rows of transaction {tx_hash[:16]}…")
            continue
        (tx.inputs if side.startswith("in") else tx.outputs).append((address, value))
    for key, tx in grouped.items():
        if key not in failed:
            yield tx


def parse_account_model(data: bytes, name: str, options: dict):
    for number, row in _rows(data, name, ACCOUNT_COLUMNS):
        r = str(number)
        if row is None:
            yield RowError(r, "(row)", "", "the row has fewer columns than the header (truncated file?)")
            continue
        errors = []
        chain, tx_hash, block_time, value, fee, height = _common(r, row, errors)
        if chain in v.UTXO_CHAINS:
            errors.append(RowError(r, "chain", row["chain"], "a UTXO chain in an account-model export"))
        sender = _address(r, "from", row["from"], chain, errors) if chain in v.ACCOUNT_CHAINS else None
        recipient = _address(r, "to", row["to"], chain, errors) if chain in v.ACCOUNT_CHAINS else None
        if errors:
            yield from errors
            continue
        asset = (row.get("asset") or NATIVE_ASSET.get(chain, chain.upper())).upper()[:20]
        yield ParsedCrypto(number, "", chain, tx_hash, block_time, asset, "account",
                           inputs=[(sender, value)], outputs=[(recipient, value)], fee=fee, block_height=height)
