"""Conversion of asset values into a reference currency with the ledger's FX-rate table.

A missing rate is never guessed: the conversion reports it, and totals say
which assets could not be converted and which rate is needed.
"""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from finance.models import FxRate

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Converted:
    amount: Decimal | None  # None when no rate was found
    rate: Decimal | None
    rate_date: date | None
    missing: str = ""  # "no USD→EUR rate on or before 3 Jan 2026"


class RateBook:
    """Latest stored rate on or before a date, direct or inverse quote, cached per request."""

    def __init__(self):
        self._cache = {}

    def rate(self, currency: str, quote: str, on: date):
        if currency == quote:
            return Decimal(1), on
        key = (currency, quote, on)
        if key not in self._cache:
            found = (FxRate.objects.filter(currency=currency, quote_currency=quote, on__lte=on)
                     .order_by("-on").values_list("rate", "on").first())
            if found is None:
                inverse = (FxRate.objects.filter(currency=quote, quote_currency=currency, on__lte=on)
                           .order_by("-on").values_list("rate", "on").first())
                found = (Decimal(1) / inverse[0], inverse[1]) if inverse and inverse[0] else None
            self._cache[key] = found
        return self._cache[key] or (None, None)

    def convert(self, amount: Decimal, currency: str, quote: str, on: date) -> Converted:
        rate, rate_date = self.rate(currency, quote, on)
        if rate is None:
            return Converted(None, None, None, f"no {currency}→{quote} rate on or before {on:%d %b %Y}")
        return Converted((amount * rate).quantize(CENT, rounding=ROUND_HALF_UP), rate, rate_date)
