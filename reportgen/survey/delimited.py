"""Reads delimited text exports (CSV, TSV, text): any byte-order mark, UTF-8 or an 8-bit code page; the separator."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import charset_normalizer

from ..errors import InputError
from .cells import column_letter
from .rows import MAX_CSV_BYTES, MAX_ROWS, Flags, Row, clean_row, too_big

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_DELIMITERS = ",;\t"

_SEP_LINE = re.compile(r"^\ufeff?sep=(.)[ \t]*\r?\n", re.IGNORECASE)


class CsvExport:
    """A CSV or text export: comma, semicolon or tab separated; any BOM, UTF-8 or an 8-bit code page."""

    def __init__(self, path: Path, encoding: str | None = None, delimiter: str | None = None) -> None:
        self.path = path
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise too_big(path, f"is {size / 1024**2:.0f} MB", f"{MAX_CSV_BYTES // 1024**2} MB")
        data = path.read_bytes()
        self.encoding, found = (encoding, f"{encoding} (--encoding)") if encoding else _guess_encoding(data)
        # A mostly UTF-8 file with a few stray 8-bit bytes: the bad bytes kept as surrogates, named per cell.
        self.mixed = encoding is None and found.startswith(_MIXED)
        try:
            self.text = data.decode(self.encoding, "surrogateescape" if self.mixed else "strict")
        except (UnicodeDecodeError, LookupError) as error:
            raise InputError(
                f"The file cannot be read as text in the encoding {self.encoding} ({error}).",
                fix="Give the right one with --encoding (e.g. utf-8 or cp1252), or save the file as .xlsx.",
                file=path,
            ) from None
        # Excel's "sep=;" first line names the separator and is no row: Excel does not show it either.
        named = _SEP_LINE.match(self.text)
        if named:
            self.text = self.text[named.end() :]
        self.delimiter = delimiter or (named.group(1) if named else _guess_delimiter(self.text))
        separator = _NAMES.get(self.delimiter, repr(self.delimiter)) + ("" if delimiter is None else " (--delimiter)")
        self.reading = f"text in {found}, {separator}-separated, {_line_ends(self.text)} line ends"
        self.cleaned: dict[str, Flags] = {}  # sheet → row → cells the reader changed, for warnings

    def __enter__(self) -> CsvExport:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    @property
    def sheet_names(self) -> list[str]:
        """A CSV file has one sheet, named after the file."""
        return [self.path.stem]

    def rows(self, sheet: str) -> Iterator[tuple[int, Row]]:
        """Yield (record number, values), as a spreadsheet would number the rows.

        A record that swallows the lines below it (a stray quote) stops the reading with the
        row and column named: those lines are other leaders' rows, never one cell.
        """
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        flags = self.cleaned.setdefault(sheet, {})
        width = 0
        try:
            for number, values in enumerate(reader, start=1):
                if number > MAX_ROWS:
                    raise too_big(self.path, f"has more than {MAX_ROWS:,} rows", f"{MAX_ROWS:,} rows")
                if not any("\n" in value or "\r" in value for value in values):
                    width = max(width, len(values))  # the header's, past a title line above it
                self._refuse_swallowed(number, values, width)
                yield number, clean_row(self._bytes_named(number, values, flags), number, flags)
        except csv.Error as error:
            raise InputError(
                f"The CSV file is malformed near record {reader.line_num} ({error}).",
                fix="Open it in a spreadsheet program to check it, or save it as .xlsx, and run reportgen again.",
                file=self.path,
            ) from None

    def _refuse_swallowed(self, number: int, values: Sequence[str], width: int) -> None:
        """Stop at a cell that holds what a stray quote swallowed: other records, or the rest of its own row.

        Signs: a line inside the cell with as many separators as the header row has; a record with
        a line break in a cell and more fields than the header (the quote closed partway through a
        later line); or, at the end of the file, a short record whose cell holds the missing separators.
        """
        if width < 3:
            return
        missing = width - len(values)
        for column, value in enumerate(values):
            lines = value.splitlines()
            whole = [line for line in lines[1:] if line.count(self.delimiter) >= max(2, (width - 1) // 2)]
            if not whole and len(lines) >= 2 and len(values) > width:
                whole = lines[1:]
            if not whole and missing >= 2 and value.count(self.delimiter) >= missing - 1:
                raise InputError(
                    f'Row {number}, column {column_letter(column)}: the cell starts with a quote (") that is never '
                    f"closed, so the rest of the row would be read as this one cell "
                    f'("{_short(value)}"), and the leader\'s answers lost.',
                    fix='Open the file in a text editor, remove the stray quote in that cell (or write it twice, ""), '
                    "save, and run reportgen again; or download the export as .xlsx.",
                    file=self.path,
                )
            if not whole:
                continue
            raise InputError(
                f'Row {number}, column {column_letter(column)}: the cell starts with a quote (") that is never '
                f"closed, so the {len(lines) - 1} line(s) below it would be read as part of this one cell "
                f'(the first: "{_short(whole[0])}"), and the leaders on them lost.',
                fix='Open the file in a text editor, remove the stray quote in that cell (or write it twice, ""), '
                "save, and run reportgen again; or download the export as .xlsx.",
                file=self.path,
            )

    def _bytes_named(self, number: int, values: Sequence[str], flags: Flags) -> Sequence[str]:
        """Bytes that are not UTF-8 in a UTF-8 file, read as Windows-1252 and named by row and column."""
        if not self.mixed or not any(_SURROGATE.search(v) for v in values):
            return values
        fixed = []
        for column, value in enumerate(values):
            bad = _SURROGATE.findall(value)
            if bad:
                raw = bytes(ord(ch) - 0xDC00 for ch in bad)
                value = _SURROGATE.sub(lambda m: bytes([ord(m.group()) - 0xDC00]).decode("cp1252", "replace"), value)
                shown = ", ".join(f"0x{b:02X}" for b in raw)
                flags.setdefault(number, []).append(
                    (column, f'byte {shown} is not UTF-8 like the rest of the file; read as Windows-1252: "{value}"')
                )
            fixed.append(value)
        return fixed


def _short(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# Byte-order marks, longest first (UTF-32 LE begins with UTF-16 LE's mark).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 BE"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 BE"),
)
# Without a BOM and not UTF-8: the 8-bit code pages Excel writes CSV in, the first preferred on a tie.
_CODE_PAGES = {"cp1252": "Windows-1252", "latin_1": "ISO-8859-1", "mac_roman": "Mac Roman"}
_DANISH = set("æøåÆØÅ")
_MIXED = "UTF-8 with"  # how a UTF-8 file with some 8-bit bytes is described; decoded with "surrogateescape"
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_SURROGATE = re.compile("[\udc80-\udcff]")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def _guess_encoding(data: bytes) -> tuple[str, str]:
    """The encoding (a codec name) and how it was found: a BOM, valid UTF-8, else the likeliest code page.

    charset-normalizer rates Windows-1252, ISO-8859-1 and Mac Roman; of the ones it finds
    equally likely, the decoding with more Danish letters (æ, ø, å) wins.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return codec, f"{name} (byte-order mark)"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", "UTF-8"
    valid = len(_UTF8_SEQUENCE.findall(data))
    invalid = len(_HIGH_BYTE.findall(_UTF8_SEQUENCE.sub(b"", data)))
    if valid and invalid <= valid:
        # One cell typed in Windows-1252 in a UTF-8 file must not garble every æ, ø and å of it.
        return "utf-8", f"{_MIXED} {invalid} byte(s) that are not UTF-8 (named in the warnings)"
    results = charset_normalizer.from_bytes(data[:200_000], cp_isolation=list(_CODE_PAGES), threshold=1.0)
    chaos = {_codec(match.encoding): match.chaos for match in results}
    candidates = [codec for codec in _CODE_PAGES if codec in chaos] or list(_CODE_PAGES)
    least = min((chaos.get(codec, 1.0) for codec in candidates), default=1.0)
    tied = [codec for codec in candidates if chaos.get(codec, 1.0) <= least + 0.05]
    best = max(tied, key=lambda codec: (sum(ch in _DANISH for ch in data.decode(codec, "replace")), -tied.index(codec)))
    return best, f"{_CODE_PAGES[best]} (not UTF-8; guessed from the letters)"


def _codec(name: str) -> str:
    """charset-normalizer's codec name as the keys of _CODE_PAGES spell it."""
    return codecs.lookup(name).name.replace("-", "_").replace("iso8859_1", "latin_1")


def _line_ends(text: str) -> str:
    ends = [name for mark, name in (("\r\n", "CRLF"), ("\r", "CR"), ("\n", "LF")) if mark in text]
    if "CRLF" in ends:
        bare = text.replace("\r\n", "")
        ends = ["CRLF"] + [name for mark, name in (("\r", "CR"), ("\n", "LF")) if mark in bare]
    return "/".join(ends) or "one line"


def _guess_delimiter(text: str) -> str:
    """The separator of the header line: whichever of , ; and tab occurs most often outside quotes."""
    sample = text[:20_000].replace("\r\n", "\n").replace("\r", "\n")  # the sniffer splits lines on LF only
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        lines = sample.splitlines()[:10]  # past a title line above the header: the first line with a separator
        first = next((line for line in lines if any(d in line for d in _DELIMITERS)), "")
        return max(_DELIMITERS, key=first.count)
