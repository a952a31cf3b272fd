"""Parsers: one module per import format. Each turns a file into a stream of
`ParsedTransaction` / `ParsedCrypto` items and `RowError`s; none writes anything."""
from .base import FileRejected, ParsedCrypto, ParsedTransaction, PartyRef, AccountRef, RowError, Side  # noqa: F401


def parser_for(fmt):
    from finance.models import ImportFormat

    from . import camt053, crypto, goaml, mt940, tabular

    return {
        ImportFormat.CSV: tabular.parse,
        ImportFormat.XLSX: tabular.parse,
        ImportFormat.GOAML: goaml.parse,
        ImportFormat.CAMT053: camt053.parse,
        ImportFormat.MT940: mt940.parse,
        ImportFormat.CRYPTO_UTXO: crypto.parse_utxo,
        ImportFormat.CRYPTO_ACCOUNT: crypto.parse_account_model,
    }[fmt]
