"""What parsers produce, and the file-level checks they share (encoding, XML safety)."""
import codecs
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import defusedxml
from defusedxml import ElementTree as SafeET


class FileRejected(Exception):
    """The file as a whole cannot be read (wrong format, unsafe XML, undecodable)."""


@dataclass
class RowError:
    row: str  # "12" for a table row, an element path for XML
    field: str
    value: str
    reason: str

    def as_dict(self):
        return {"row": self.row, "field": self.field, "value": str(self.value)[:200], "reason": self.reason}


@dataclass
class PartyRef:
    name: str
    kind: str = "unknown"  # person / organisation / unknown
    identifiers: list = field(default_factory=list)  # [{"kind", "value", "country"}]
    country: str = ""
    birth_date: date | None = None
    address: str = ""


@dataclass
class AccountRef:
    identifier: str
    kind: str = "bank"
    bic: str = ""
    institution: str = ""
    country: str = ""
    currency: str = ""
    chain: str = ""
    is_iban: bool = False


@dataclass
class Side:
    account: AccountRef | None = None
    party: PartyRef | None = None


@dataclass
class ParsedTransaction:
    source_row: int | None
    source_path: str
    booked_at: datetime
    amount: Decimal  # positive
    currency: str
    debit: Side  # payer
    credit: Side  # payee
    value_date: date | None = None
    channel: str = "transfer"
    reference: str = ""
    external_id: str = ""


@dataclass
class ParsedCrypto:
    source_row: int | None
    source_path: str
    chain: str
    tx_hash: str
    block_time: datetime
    asset: str
    model: str  # utxo / account
    inputs: list = field(default_factory=list)  # [(address, value)]
    outputs: list = field(default_factory=list)
    fee: Decimal | None = None
    block_height: int | None = None


# --- text -----------------------------------------------------------------------

def decode_text(data: bytes, name: str = "file") -> tuple[str, str]:
    """(text, encoding): BOM first (UTF-8, UTF-16), then UTF-8, then CP1252 / Latin-1."""
    if not data:
        raise FileRejected(f"“{name}” is empty (0 bytes).")
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[3:], "utf-8", name), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16", name), "utf-16"
    # UTF-16 without BOM: every other byte is zero in mostly-ASCII text.
    sample = data[:4000]
    if len(sample) > 3 and sample[1::2].count(0) > len(sample) // 4:
        return _decode(data, "utf-16-le", name), "utf-16-le"
    if sample[::2].count(0) > len(sample) // 4:
        return _decode(data, "utf-16-be", name), "utf-16-be"
    if b"\x00" in sample:
        raise FileRejected(f"“{name}” is not a text file (it contains NUL bytes); is it the right file?")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "latin-1"
    controls = sum(1 for ch in text[:4000] if ord(ch) < 32 and ch not in "\t\r\n\f")
    if controls:
        raise FileRejected(f"“{name}”: the text encoding could not be recognised (not UTF-8, UTF-16 or CP1252/Latin-1).")
    return text, encoding


def _decode(data, encoding, name):
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileRejected(f"“{name}” claims {encoding} but byte {exc.start} cannot be decoded (wrong encoding?).") from None


# --- XML ---------------------------------------------------------------------------

def parse_xml(data: bytes, name: str):
    """Parse untrusted XML with defusedxml: DTDs, entities and external references are refused."""
    if not data.strip():
        raise FileRejected(f"“{name}” is empty (0 bytes).")
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise FileRejected(f"“{name}” declares a DTD. Documents with DTDs or entity declarations are refused "
                           f"because they can be used for entity-expansion or external-entity attacks.") from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
        raise FileRejected(f"“{name}” declares XML entities or external references, which are refused "
                           f"(protection against entity-expansion and external-entity attacks).") from None
    except SafeET.ParseError as exc:
        raise FileRejected(f"“{name}” is not well-formed XML ({exc}); the file may be truncated.") from None


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def child(element, *path):
    """First descendant following local names, ignoring namespaces."""
    current = element
    for name in path:
        if current is None:
            return None
        current = next((c for c in current if local(c.tag) == name), None)
    return current


def text_of(element, *path, default="") -> str:
    node = child(element, *path) if path else element
    return (node.text or "").strip() if node is not None and node.text else default


def children(element, name):
    return [c for c in element if local(c.tag) == name] if element is not None else []
