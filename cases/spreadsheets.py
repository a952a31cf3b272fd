"""Uploaded spreadsheets read as a stream, with limits checked before and while reading.

openpyxl's read-only mode sizes every sheet when it opens the workbook; a
sheet without a `<dimension>` is then parsed to its end before the first row
is returned (a 186 kB file of 300,000 rows held a web worker for a minute).
This reader opens the workbook's parts itself and never sizes a sheet: the
zip directory is checked first (uncompressed size, a zip bomb is refused
before any XML is parsed), then rows are parsed one at a time and reading
stops at the row or cell cap with an error that names the file and the limit.
"""
import zipfile

from django.conf import settings

MAX_PARTS = 10_000

# Upload limits; each can be set in the settings (from the environment, config/settings.py).
LIMITS = {
    "PARALLAX_IMPORT_MAX_ROWS": 1_100_000,  # rows of a financial table (a 1,000,000-row statement imports)
    "PARALLAX_IMPORT_MAX_CELLS": 25_000_000,
    "PARALLAX_IMPORT_MAX_UNCOMPRESSED_BYTES": 1024 * 1024 * 1024,  # all parts of an XLSX, unpacked
    "PARALLAX_SEIZURE_IMPORT_MAX_ROWS": 5000,
    "PARALLAX_SEIZURE_IMPORT_INLINE_ROWS": 200,  # a seizure file this small is checked in the request
}


def limit(name: str) -> int:
    return getattr(settings, name, LIMITS[name])


class SpreadsheetRefused(ValueError):
    """The workbook is over a limit or cannot be read; the message names the file and the limit."""


def check_archive(fileobj, name, *, max_uncompressed=None):
    """Refuse a workbook whose parts unpack, per its zip directory, to more than the limit.

    The directory's sizes bind the reader too: zipfile never returns more bytes
    than a part declares (and fails on its checksum if the part holds more)."""
    cap = max_uncompressed or limit("PARALLAX_IMPORT_MAX_UNCOMPRESSED_BYTES")
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SpreadsheetRefused(f"“{name}” is not a readable Excel workbook ({exc}); the file may be truncated.") from None
    finally:
        fileobj.seek(0)
    if len(parts) > MAX_PARTS:
        raise SpreadsheetRefused(f"“{name}” holds {len(parts):,} parts; an Excel workbook is refused above {MAX_PARTS:,}.")
    total = sum(part.file_size for part in parts)
    if total > cap:
        largest = max(parts, key=lambda part: part.file_size)
        raise SpreadsheetRefused(
            f"“{name}” unpacks to {total:,} bytes ({largest.filename}: {largest.file_size:,} bytes); "
            f"the limit is {cap:,} bytes of uncompressed workbook content.")


class Workbook:
    """The sheets of an XLSX file and a row stream for one of them. Use as a context manager."""

    def __init__(self, fileobj, name):
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet

        self.name = name
        check_archive(fileobj, name)
        try:
            reader = ExcelReader(fileobj, read_only=True, data_only=True)
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError, SyntaxError) as exc:
            raise SpreadsheetRefused(f"“{name}” is not a readable Excel workbook ({exc.__class__.__name__}: {exc}); "
                                     "the file may be truncated.") from None
        self._reader = reader
        self._sheets = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()
                        if rel.target in reader.valid_files and "chartsheet" not in rel.Type}
        if not self._sheets:
            self.close()
            raise SpreadsheetRefused(f"“{name}” has no worksheet.")

    @property
    def sheetnames(self):
        return list(self._sheets)

    def rows(self, sheet=None, *, max_rows=None, max_cells=None):
        """(row number, values) for every row element of the sheet (the first one by default).

        Every row element counts towards `max_rows`, and its width (up to its
        last cell) towards `max_cells`, so blank or sparse rows cannot slip past."""
        from openpyxl.worksheet._reader import WorkSheetParser

        title = sheet if sheet in self._sheets else self.sheetnames[0]
        max_rows = max_rows or limit("PARALLAX_IMPORT_MAX_ROWS")
        max_cells = max_cells or limit("PARALLAX_IMPORT_MAX_CELLS")
        wb = self._reader.wb
        rows = cells = 0
        with self._reader.archive.open(self._sheets[title]) as source:
            parser = WorkSheetParser(source, self._reader.shared_strings, data_only=True, epoch=wb.epoch,
                                     date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
            try:
                for number, parsed in parser.parse():
                    rows += 1
                    if rows > max_rows:
                        raise SpreadsheetRefused(f"“{self.name}”, sheet “{title}”: more than {max_rows:,} rows; "
                                                 f"the limit is {max_rows:,} rows per file.")
                    width = max((c["column"] for c in parsed), default=0)
                    cells += width
                    if cells > max_cells:
                        raise SpreadsheetRefused(f"“{self.name}”, sheet “{title}”: more than {max_cells:,} cells "
                                                 f"(reached at row {number:,}); the limit is {max_cells:,} cells per file.")
                    values = [None] * width
                    for c in parsed:
                        values[c["column"] - 1] = c["value"]
                    yield number, values
            except (zipfile.BadZipFile, ValueError, KeyError, EOFError, SyntaxError) as exc:
                if isinstance(exc, SpreadsheetRefused):
                    raise
                raise SpreadsheetRefused(f"“{self.name}”, sheet “{title}” cannot be read after row {rows:,} "
                                         f"({exc.__class__.__name__}: {exc}); the file may be damaged.") from None

    def sheet_title(self, sheet=None):
        return sheet if sheet in self._sheets else self.sheetnames[0]

    def close(self):
        self._reader.archive.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
