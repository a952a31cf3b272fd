"""Checks for identifiers that are data: IBAN, BIC, ISO codes, amounts, dates, crypto addresses.

Each checker returns the normalized value or raises `Invalid(reason)`; the
parsers turn that into a row error naming the field and the value.
"""
import hashlib
import re
from functools import lru_cache
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pycountry
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from finance.keccak import keccak256


class Invalid(ValueError):
    """A value failed validation; str() is the reason shown to the user."""


# --- bank identifiers ----------------------------------------------------------

IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")


def compact(value: str) -> str:
    return re.sub(r"[\s\-./]", "", value or "").upper()


def looks_like_iban(value: str) -> bool:
    return bool(IBAN_SHAPE.match(compact(value))) and pycountry.countries.get(alpha_2=compact(value)[:2]) is not None


def check_iban(value: str) -> str:
    try:
        return _iban_compact(value)
    except SchwiftyException as exc:
        raise Invalid(f"not a valid IBAN ({exc})") from None


@lru_cache(maxsize=65536)  # statements repeat the same counterparties: check each IBAN once
def _iban_compact(value: str) -> str:
    return IBAN(value).compact


def check_bic(value: str) -> str:
    try:
        return str(BIC(value).compact)
    except SchwiftyException as exc:
        raise Invalid(f"not a valid BIC ({exc})") from None


def check_country(value: str) -> str:
    code = (value or "").strip().upper()
    if len(code) == 3 and pycountry.countries.get(alpha_3=code):
        return pycountry.countries.get(alpha_3=code).alpha_2
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise Invalid("not an ISO 3166-1 country code")
    return code


_CURRENCIES: set[str] = set()


def check_currency(value: str) -> str:
    if not _CURRENCIES:
        _CURRENCIES.update(c.alpha_3 for c in pycountry.currencies)
    code = (value or "").strip().upper()
    if code not in _CURRENCIES:
        raise Invalid("not an ISO 4217 currency code")
    return code


def normalize_account(value: str) -> str:
    return compact(value)


# --- amounts and dates ------------------------------------------------------------

_PLAIN_AMOUNT = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,6})?\Z")
AMOUNT_CHARS = re.compile(r"^[+-]?[0-9.,' \u00a0]*[0-9]$|^[+-]?[0-9.,' \u00a0]*[0-9][-]?$")


def parse_amount(value, decimal_sep: str = ".") -> Decimal:
    """'1.234,56' (decimal comma) or '1,234.56' → Decimal. Refuses ambiguous or mixed separators."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if decimal_sep == "." and _PLAIN_AMOUNT.match(value):
        return Decimal(value)
    text = str(value or "").strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    if not text:
        raise Invalid("amount is empty")
    negative = False
    if text.endswith("-"):  # 100,00- (some bank exports)
        negative, text = True, text[:-1]
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text[0] in "+-":
        negative, text = text[0] == "-", text[1:]
    if not re.fullmatch(r"[0-9.,]+", text):
        raise Invalid("not a number")
    thousands = "," if decimal_sep == "." else "."
    if text.count(decimal_sep) > 1:
        raise Invalid(f"more than one decimal separator “{decimal_sep}”")
    if decimal_sep in text and thousands in text.split(decimal_sep, 1)[1]:
        raise Invalid("mixed decimal separators")
    if thousands in text:
        groups = text.split(decimal_sep)[0].split(thousands)
        if any(len(g) != 3 for g in groups[1:]) or not groups[0]:
            raise Invalid(f"“{thousands}” used where the file's decimal separator is “{decimal_sep}” (mixed decimal separators)")
        text = text.replace(thousands, "")
    text = text.replace(decimal_sep, ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise Invalid("not a number") from None
    return -amount if negative else amount


DATE_FORMATS = [
    "%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%Y%m%d", "%d.%m.%y", "%Y/%m/%d",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%SZ",
]


def parse_datetime(value, fmt: str | None = None) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value or "").strip()
    if not text:
        raise Invalid("date is empty")
    if fmt:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            raise Invalid(f"not a date in the format {fmt}") from None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for candidate in DATE_FORMATS:
        try:
            return datetime.strptime(text, candidate)
        except ValueError:
            continue
    raise Invalid("not a recognised date")


def guess_date_format(samples: list[str]) -> str | None:
    """The first format that reads every non-empty sample; day-first wins over month-first when both do."""
    values = [s.strip() for s in samples if s and str(s).strip()]
    if not values:
        return None
    for fmt in DATE_FORMATS:
        try:
            for v in values:
                datetime.strptime(v, fmt)
            return fmt
        except ValueError:
            continue
    return None


# --- crypto addresses ------------------------------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
# chain -> (base58 version bytes, bech32 human-readable parts)
UTXO_CHAINS = {
    "btc": ({0x00, 0x05}, {"bc"}),
    "btc-testnet": ({0x6F, 0xC4}, {"tb"}),
    "ltc": ({0x30, 0x32, 0x05}, {"ltc"}),
    "doge": ({0x1E, 0x16}, set()),
    "bch": ({0x00, 0x05}, set()),
}
ACCOUNT_CHAINS = {"eth", "bsc", "polygon", "arbitrum", "optimism", "avalanche", "base"}
CHAIN_ALIASES = {"bitcoin": "btc", "xbt": "btc", "litecoin": "ltc", "ethereum": "eth", "dogecoin": "doge",
                 "ether": "eth", "erc20": "eth", "bnb": "bsc", "matic": "polygon"}


def normalize_chain(value: str) -> str:
    chain = (value or "").strip().lower()
    return CHAIN_ALIASES.get(chain, chain)


def base58check_decode(address: str) -> bytes:
    number = 0
    for ch in address:
        index = _B58.find(ch)
        if index < 0:
            raise Invalid(f"character “{ch}” is not base58")
        number = number * 58 + index
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    raw = b"\x00" * (len(address) - len(address.lstrip("1"))) + raw
    if len(raw) < 5:
        raise Invalid("too short")
    payload, checksum = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != checksum:
        raise Invalid("base58check checksum does not match")
    return payload


def _bech32_polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((top >> i) & 1) else 0
    return chk


def bech32_decode(address: str):
    """(hrp, witness version, program length) of a bech32/bech32m segwit address."""
    if address.lower() != address and address.upper() != address:
        raise Invalid("mixed case in a bech32 address")
    address = address.lower()
    pos = address.rfind("1")
    if pos < 1 or pos + 7 > len(address) or len(address) > 90:
        raise Invalid("not a bech32 address")
    hrp, data_part = address[:pos], address[pos + 1:]
    if any(c not in _BECH32 for c in data_part):
        raise Invalid("character outside the bech32 alphabet")
    data = [_BECH32.find(c) for c in data_part]
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    const = _bech32_polymod(expanded + data)
    if const not in (1, 0x2BC830A3):
        raise Invalid("bech32 checksum does not match")
    version = data[0]
    if (version == 0) != (const == 1):
        raise Invalid("wrong bech32 variant for the witness version")
    # convert 5-bit groups to bytes
    acc = bits = 0
    program = []
    for value in data[1:-6]:
        acc = (acc << 5) | value
        bits += 5
        while bits >= 8:
            bits -= 8
            program.append((acc >> bits) & 0xFF)
    if not 2 <= len(program) <= 40 or (version == 0 and len(program) not in (20, 32)):
        raise Invalid("witness program has the wrong length")
    return hrp, version, len(program)


def eip55_checksum(address_hex: str) -> str:
    lower = address_hex.lower()
    digest = keccak256(lower.encode()).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(lower))


def check_crypto_address(value: str, chain: str) -> str:
    """Normalized address for `chain`, or Invalid. Bech32 is stored lower-case, hex as EIP-55."""
    chain = normalize_chain(chain)
    address = (value or "").strip()
    if not address:
        raise Invalid("address is empty")
    if chain in ACCOUNT_CHAINS:
        if not re.fullmatch(r"0x[0-9a-fA-F]{40}", address):
            raise Invalid("not a 0x-prefixed 40-digit hex address")
        body = address[2:]
        checksummed = eip55_checksum(body)
        # All-lower or all-upper addresses carry no checksum (EIP-55); mixed case must match it.
        if body != body.lower() and body != body.upper() and address != checksummed:
            raise Invalid("EIP-55 checksum (letter case) does not match")
        return checksummed
    if chain not in UTXO_CHAINS:
        raise Invalid(f"unknown chain “{chain}”")
    versions, hrps = UTXO_CHAINS[chain]
    head = address.lower().split("1", 1)[0] if "1" in address else ""
    if head in hrps:
        bech32_decode(address)
        return address.lower()
    payload = base58check_decode(address)
    if len(payload) != 21 or payload[0] not in versions:
        raise Invalid(f"base58 version byte {payload[0]:#04x} is not a {chain} address")
    return address
