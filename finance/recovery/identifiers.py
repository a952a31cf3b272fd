"""Validation and normalization of asset identifiers, by kind.

Each checker returns (normalized value, chain) or raises ValidationError naming
what is wrong with the value.
"""
import re

from django.core.exceptions import ValidationError
from stdnum import isin as stdnum_isin
from stdnum.exceptions import ValidationError as StdnumError

from finance.validation import Invalid, check_crypto_address, check_iban, normalize_chain

from .models import AssetIdentifier

K = AssetIdentifier.Kind

_VIN_VALUES = {**{str(d): d for d in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def alnum(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (value or "").upper())


def check_vin(value: str) -> str:
    vin = alnum(value)
    if len(vin) != 17:
        raise Invalid(f"a VIN has 17 characters, this one has {len(vin)}")
    bad = sorted(set(vin) & set("IOQ"))
    if bad:
        raise Invalid(f"a VIN never contains the letters I, O or Q (found {', '.join(bad)})")
    # North-American VINs carry a check digit in position 9; others may not, so only a
    # digit or X there is checked.
    if vin[8] in "0123456789X":
        total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS))
        expected = "X" if total % 11 == 10 else str(total % 11)
        if vin[8] != expected and vin[0] in "12345":
            raise Invalid(f"the check digit (9th character) should be {expected}")
    return vin


def check_imo(value: str) -> str:
    digits = alnum(value).removeprefix("IMO")
    if not re.fullmatch(r"\d{7}", digits):
        raise Invalid("an IMO ship number is “IMO” followed by seven digits")
    check = sum(int(d) * w for d, w in zip(digits[:6], range(7, 1, -1))) % 10
    if check != int(digits[6]):
        raise Invalid(f"the IMO check digit should be {check}")
    return f"IMO{digits}"


def check_aircraft_registration(value: str) -> str:
    mark = (value or "").strip().upper().replace(" ", "")
    if not re.fullmatch(r"[A-Z0-9]{1,2}-?[A-Z0-9]{1,5}", mark):
        raise Invalid("an aircraft registration is a nationality prefix and a mark, e.g. 9A-DBR or N123AB")
    return mark.replace("-", "")


def check_isin(value: str) -> str:
    try:
        return stdnum_isin.validate(value)
    except StdnumError as exc:
        raise Invalid(f"not a valid ISIN ({exc})") from None


def normalize(kind: str, value: str, chain: str = "") -> tuple[str, str]:
    """(normalized value, chain) for an identifier, or ValidationError naming the field."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({"value": "Give the identifier's value."})
    try:
        if kind == K.IBAN:
            return check_iban(value), ""
        if kind == K.CRYPTO_ADDRESS:
            chain = normalize_chain(chain)
            if not chain:
                raise ValidationError({"chain": "Name the blockchain of the address (btc, eth, ltc …)."})
            return check_crypto_address(value, chain), chain
        if kind == K.VIN:
            return check_vin(value), ""
        if kind == K.IMO:
            return check_imo(value), ""
        if kind == K.AIRCRAFT_REGISTRATION:
            return check_aircraft_registration(value), ""
        if kind == K.ISIN:
            return check_isin(value), ""
        if kind not in K.values:
            raise ValidationError({"kind": f"Unknown identifier kind “{kind}”."})
    except Invalid as exc:
        raise ValidationError({"value": f"{K(kind).label} “{value}”: {exc}."}) from None
    normalized = alnum(value)
    if not normalized:
        raise ValidationError({"value": "An identifier needs at least one letter or digit."})
    return normalized, ""
