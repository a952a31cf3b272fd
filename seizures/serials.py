"""Serial numbers as read on a firearm, normalized for matching across cases.

An officer records the serial exactly as read ("AB-12 345", "4O1l-22"). For
matching, it is folded to capitals and digits, separators dropped, and the
letters most often confused with digits (O/0, I/1 by default) folded when the
setting `PARALLAX_SERIAL_CONFUSABLES` says so. Characters that could not be
read on an obliterated or partly restored marking are written `?` or `_`
(one character) or `*` (any number of characters); such a serial is *partial*
and matches any complete serial that fits the pattern.
"""
import re

from django.conf import settings

DEFAULT_CONFUSABLES = {"O": "0", "I": "1"}
ONE_UNKNOWN = "?"
ANY_RUN = "*"


def confusables() -> dict[str, str]:
    value = getattr(settings, "PARALLAX_SERIAL_CONFUSABLES", None)
    return DEFAULT_CONFUSABLES if value is None else dict(value)


# Words of a company name that do not tell manufacturers apart ("Zastava Arms" is "Zastava").
MAKE_NOISE = {"arms", "firearms", "waffen", "gmbh", "gesmbh", "gesellschaft", "mbh", "ag", "inc", "ltd", "llc",
              "spa", "sa", "as", "doo", "co", "company", "corp", "corporation", "industries", "group", "kg"}


def normalize_make(make: str) -> str:
    """'GLOCK Ges.m.b.H.', 'Glock' and 'glock gmbh' are one make; so are 'Zastava-Arms' and 'ZASTAVA'."""
    words = ["".join(ch for ch in word if ch.isalnum())
             for word in (make or "").casefold().replace("-", " ").replace("/", " ").split()]
    words = [w for w in words if w]
    kept = [w for w in words if w not in MAKE_NOISE] or words
    return "".join(kept)


def normalize_serial(value: str, *, fold=None) -> str:
    """Capitals and digits, wildcards kept as `?` and `*`, confusable letters folded."""
    fold = confusables() if fold is None else fold
    out = []
    for ch in (value or "").upper():
        if ch in "?_":
            out.append(ONE_UNKNOWN)
        elif ch == "*":
            if not out or out[-1] != ANY_RUN:
                out.append(ANY_RUN)
        elif ch.isalnum() and ch.isascii():
            out.append(fold.get(ch, ch))
        elif ch.isalnum():  # Cyrillic or other letters read off a marking: kept, folded to upper case
            out.append(ch)
    return "".join(out)


def is_partial(normalized: str) -> bool:
    return ONE_UNKNOWN in normalized or ANY_RUN in normalized


def pattern_regex(normalized: str) -> re.Pattern:
    parts = []
    for ch in normalized:
        if ch == ONE_UNKNOWN:
            parts.append(".")
        elif ch == ANY_RUN:
            parts.append(".*")
        else:
            parts.append(re.escape(ch))
    return re.compile("^" + "".join(parts) + "$")


def known_characters(normalized: str) -> int:
    return sum(1 for ch in normalized if ch not in (ONE_UNKNOWN, ANY_RUN))


def patterns_may_match(a: str, b: str) -> bool:
    """Whether two normalized serials (either or both partial) can be the same serial."""
    if not is_partial(a) and not is_partial(b):
        return a == b
    if not is_partial(b):
        return bool(pattern_regex(a).match(b))
    if not is_partial(a):
        return bool(pattern_regex(b).match(a))
    # Both partial: compare position by position when neither has a run wildcard.
    if ANY_RUN not in a and ANY_RUN not in b:
        return len(a) == len(b) and all(x == y or ONE_UNKNOWN in (x, y) for x, y in zip(a, b))
    # With runs on both sides, require the known prefix and suffix to agree.
    pa, pb = a.split(ANY_RUN)[0], b.split(ANY_RUN)[0]
    sa, sb = a.split(ANY_RUN)[-1], b.split(ANY_RUN)[-1]
    def agree(x, y):
        return all(c == d or ONE_UNKNOWN in (c, d) for c, d in zip(x, y))
    return agree(pa, pb) and agree(sa[::-1], sb[::-1])
