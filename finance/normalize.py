"""Normalised forms used for matching: party names and identifiers."""
import re
import unicodedata
from functools import lru_cache

LEGAL_FORMS = {
    "doo", "d o o", "dd", "gmbh", "ag", "kg", "ltd", "limited", "llc", "inc", "sa", "sarl", "srl", "spa", "bv", "nv",
    "plc", "oy", "ab", "as", "sro", "s r o", "kft", "sp z o o", "ood", "eood", "co", "company", "corp", "corporation",
    "llp", "lp", "ug", "se", "oo", "o",
}


def fold(text: str) -> str:
    """Lower-case ASCII without diacritics (Kovač → kovac, Đ → d)."""
    text = (text or "").replace("đ", "d").replace("Đ", "D").replace("ß", "ss").replace("ø", "o").replace("Ø", "O")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


@lru_cache(maxsize=65536)
def name_normalized(name: str) -> str:
    """Tokens sorted, punctuation and legal forms removed: "Kovač, Dario" == "DARIO KOVAC"."""
    words = re.sub(r"[^a-z0-9 ]+", " ", fold(name).replace(".", "")).split()
    words = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(sorted(words))[:300]


@lru_cache(maxsize=65536)
def identifier_normalized(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())
