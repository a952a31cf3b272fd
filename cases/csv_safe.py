"""CSV that a spreadsheet opens as data, never as formulas (OWASP "CSV injection").

Every CSV export of the project writes through `writer()`; a cell is passed
through `cell()`. Text that starts like a formula (`=`, `+`, `-`, `@`, tab or
carriage return) gets a leading apostrophe, which spreadsheets show as text.
Real numbers (int, float, Decimal objects) stay numbers, so a negative amount
is still a number and not text; anything else is treated as text, because
names, references and notes come from uploaded files and other agencies.
"""
import csv
from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """The value as a CSV cell a spreadsheet will not execute."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class SafeWriter:
    """A `csv.writer` whose every cell goes through `cell()`."""

    def __init__(self, fileobj, **kwargs):
        self._writer = csv.writer(fileobj, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(fileobj, **kwargs) -> SafeWriter:
    return SafeWriter(fileobj, **kwargs)
