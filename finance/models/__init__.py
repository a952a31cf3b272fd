"""Models of the finance app, one module per concept.

ledger.py      accounts, parties, transactions, crypto transactions, FX rates
imports.py     imports (provenance of every ledger row) and column-mapping profiles
resolution.py  entity-resolution suggestions (party ↔ case entity, party ↔ party)
Later work (money-flow analyses, asset recovery) adds its own modules here.
"""
from .imports import ColumnMappingProfile, Import, ImportFormat
from .ledger import Account, CryptoMovement, CryptoTransaction, FxRate, Party, Transaction
from .resolution import ResolutionSuggestion

__all__ = [
    "Account", "ColumnMappingProfile", "CryptoMovement", "CryptoTransaction", "FxRate", "Import", "ImportFormat",
    "Party", "ResolutionSuggestion", "Transaction",
]
