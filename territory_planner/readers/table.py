"""Read a spreadsheet-like file (CSV in any common dialect, or XLSX) into header + text rows.

Handles UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), Latin-1/cp1252, comma, semicolon,
tab or pipe separators, quoted fields (also across lines), blank lines, trailing spaces and Windows line ends. The
kind of file is decided by its content, not its name: an Excel workbook saved as ``.csv`` is read as a workbook, and
binary files are refused with a clear message. Values stay text; ``parse_amount`` and friends turn them into numbers
with a clear problem when they cannot.

:func:`open_records` streams the rows of a file of any size (the accounts reader uses it for million-row exports);
:func:`read_table` reads a small file (a plan sheet) whole into a :class:`Table`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from ..domain.text import unguard_formula
from .errors import InputFileError, Problem, file_problem

_SNIFF_BYTES = 64 * 1024
_BLOCK_BYTES = 8 * 1024 * 1024
_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SAVE_AS = "Save it from your spreadsheet as CSV (UTF-8) or as an Excel workbook (.xlsx)."

#: Limits of what a workbook may hold, checked before and while it is read, so a hostile file (a "zip bomb"
#: declaring millions of rows in a few megabytes) is refused with a message instead of filling the memory. Excel
#: itself stops at 1,048,576 rows.
MAX_XLSX_ROWS = 1_100_000
MAX_XLSX_CELLS = 20_000_000
MAX_XLSX_UNCOMPRESSED = 1_000_000_000  # bytes of all the workbook's parts together, unpacked
MAX_XLSX_SHARED_STRINGS = 300_000_000  # bytes of the shared text table, which is read whole
MAX_XLSX_RATIO = 200  # unpacked / packed size of a large part; real sheets pack 5-50 times
_RATIO_FROM = 50_000_000  # the ratio is only asked of parts larger than this, unpacked
_PASTE_VALUES = "In Excel, select the cells, copy them and paste them back with Paste Special > Values only, then save."
_SCAN_BLOCK = 4 * 1024 * 1024
_MAX_CELL_PROBLEMS = 1000
#: A formula element or a cell of type "e" (an error value such as #DIV/0!) in a sheet's XML.
_FORMULA_OR_ERROR = re.compile(rb"<(?:\w+:)?f[\s>/]|\st=[\"']e[\"']")


@dataclass
class Table:
    """A read table: file name, column names and rows of stripped text, each with its row number in the file.

    ``columns`` are lower-cased and in file order ("" for a header cell left blank); each row maps every named
    column to its value ("" when the row is short).
    """

    file: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]

    def require(self, *columns: str) -> None:
        missing = [c for c in columns if c not in self.columns]
        if missing:
            have = ", ".join(self.columns) or "no columns at all"
            raise file_problem(
                self.file,
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(repr(c) for c in missing)}. "
                f"The file has: {have}. Add the column to the header row (first line), spelled exactly.",
            )


# --- what kind of file ---------------------------------------------------------------------------------------


def _head(path: Path, file: str) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise file_problem(
            file, f"cannot be read ({exc.strerror or exc}). Check that it exists and is not locked."
        ) from None


def _check_path(path: Path, file: str) -> None:
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except (OSError, ValueError) as exc:
        raise file_problem(file, f"is not a usable file name ({exc}).") from None
    if not exists:
        raise file_problem(file, "the file does not exist. Check the path and the file name.")
    if is_dir:
        raise file_problem(file, "this is a folder, not a file. Choose the file inside it.")


def _is_xlsx(path: Path, head: bytes) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def _refuse_binary(head: bytes, file: str) -> None:
    """Raise for content that is clearly not a text table (the usual mistakes first, then any binary)."""
    if head.startswith(b"PK\x03\x04"):
        raise file_problem(file, f"is a ZIP archive, not a table. Unpack it, or {_SAVE_AS[0].lower()}{_SAVE_AS[1:]}")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise file_problem(file, "is an old Excel 97-2003 workbook (.xls), which cannot be read. " + _SAVE_AS)
    if head.startswith(b"%PDF"):
        raise file_problem(file, "is a PDF document, not a table. " + _SAVE_AS)
    if b"\x00" in head:
        raise file_problem(file, "is not a text (CSV) file: it holds binary data. " + _SAVE_AS)


def _encoding_of(head: bytes) -> str | None:
    """The encoding a byte order mark announces (None without one)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def detect_encoding(path: Path, file: str, cancel: Callable[[], bool] | None = None) -> str:
    """The text encoding of a file, reading it in blocks: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252.

    Latin-1 is the last resort for the five bytes cp1252 leaves undefined (it decodes any byte).
    """
    head = _head(path, file)
    announced = _encoding_of(head)
    if announced == "utf-16":
        return announced
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while block := handle.read(_BLOCK_BYTES):
                    if cancel is not None and cancel():
                        return encoding
                    decoder.decode(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        except OSError as exc:
            raise file_problem(file, f"cannot be read ({exc.strerror or exc}).") from None
        return "utf-8-sig" if encoding == "utf-8" else encoding
    return "latin-1"


def detect_delimiter(sample: str) -> str:
    """The separator that splits the first lines into the most rows of one same width (at least 2 columns).

    Each candidate is tried with real CSV parsing, so separators inside quoted values do not count. With no
    candidate giving two or more columns the file has one column, and the comma is as good as any.
    """
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may stop in the middle of a line
    text = "".join(lines[:200])
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(io.StringIO(text, newline=""), **_dialect(delimiter)) if any(r)]
        except csv.Error:
            continue
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        if mode < 2:
            continue
        score = (sum(1 for w in widths if w == mode), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _dialect(delimiter: str) -> dict[str, Any]:
    return {"delimiter": delimiter, "quotechar": '"', "doublequote": True, "skipinitialspace": True, "strict": False}


def _looks_like_garbage(sample: str) -> bool:
    return len(sample) >= 32 and len(_CONTROL.findall(sample)) > len(sample) // 20


# --- streaming rows ------------------------------------------------------------------------------------------


@dataclass
class RecordSource:
    """The rows of one file, streamed: iterate for ``(row number, cells)``; blank rows are yielded as ``[]``.

    Row numbers are 1-based as a spreadsheet shows them (a value spread over several lines is one row). Cells are
    text, not yet stripped. ``fraction_done()`` tells how far the reading has got (0..1) for progress bars.
    ``warnings`` lists what was repaired on the way (e.g. a file read as Windows-1252 rather than UTF-8).
    """

    file: str
    path: Path
    kind: str  # "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    warnings: list[str] = field(default_factory=list)
    _size: int = 0
    _handle: IO[bytes] | None = None
    _workbook: Any = None
    _rows_total: int | None = None
    _rows_done: int = 0
    _finished: bool = False

    def __enter__(self) -> RecordSource:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def fraction_done(self) -> float:
        if self._finished:
            return 1.0
        if self.kind == "csv":
            if self._handle is None or self._size == 0 or self._handle.closed:
                return 0.0
            return min(1.0, self._handle.tell() / self._size)
        if not self._rows_total:
            return 0.0
        return min(1.0, self._rows_done / self._rows_total)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        if self.kind == "xlsx":
            return self._xlsx_rows()
        return self._csv_rows()

    def _csv_rows(self) -> Iterator[tuple[int, list[str]]]:
        self._handle = self.path.open("rb")
        text = io.TextIOWrapper(self._handle, encoding=self.encoding or "utf-8-sig", newline="")
        reader = csv.reader(text, **_dialect(self.delimiter or ","))
        row_no = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                self._finished = True
                return
            except csv.Error as exc:
                raise InputFileError(self.file, [_csv_problem(self.file, row_no + 1, exc)]) from None
            except UnicodeDecodeError:
                message = f"the text cannot be decoded as {self.encoding}. " + _SAVE_AS
                raise InputFileError(self.file, [Problem(self.file, row_no + 1, None, message)]) from None
            except OSError as exc:
                raise file_problem(self.file, f"stopped being readable at row {row_no + 1} ({exc}).") from None
            row_no += 1
            yield row_no, cells

    def _xlsx_rows(self) -> Iterator[tuple[int, list[str]]]:
        workbook = self._workbook
        try:
            sheet = workbook[self.sheet]
            cells = 0
            for row_no, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells += len(values)
                if row_no > MAX_XLSX_ROWS or cells > MAX_XLSX_CELLS:
                    raise file_problem(self.file, _too_big(f"row {row_no:,}", row_no, cells))
                self._rows_done = row_no
                yield row_no, [_cell_text(v) for v in values]
            self._finished = True
        except InputFileError:
            raise
        except Exception as exc:  # openpyxl raises many kinds for a damaged sheet
            raise file_problem(
                self.file, f"the sheet cannot be read to the end ({type(exc).__name__}: {exc}). Save it again as .xlsx."
            ) from exc


def _csv_problem(file: str, row: int, exc: csv.Error) -> Problem:
    text = str(exc)
    if "field larger than field limit" in text:
        message = (
            'a value here is longer than 131,072 characters, which usually means a quote mark (") opens a value '
            "that is never closed. Close the quote, or remove the stray quote mark, and import again."
        )
    elif "NUL" in text:
        message = "this row holds binary data (NUL characters). " + _SAVE_AS
    else:
        message = f"the row cannot be read as CSV ({text}). Check its quote marks."
    return Problem(file, row, None, message)


def open_records(path: str | Path, sheet: str | None = None, cancel: Callable[[], bool] | None = None) -> RecordSource:
    """Open a CSV/TSV/TXT file or an Excel workbook for streaming its rows; raises InputFileError if unreadable.

    ``sheet`` picks a workbook's sheet (the first by default); it is ignored for text files.
    """
    p = Path(path)
    file = str(p)
    _check_path(p, file)
    head = _head(p, file)
    if _is_xlsx(p, head):
        return _open_xlsx(p, sheet)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        raise file_problem(file, "is named like an Excel workbook but is not one. Open it in Excel and save it again.")
    if not head.strip():
        raise file_problem(file, "the file is empty. It needs a header row and at least one data row.")
    encoding = _encoding_of(head)
    if encoding != "utf-16":
        _refuse_binary(head, file)
        encoding = detect_encoding(p, file, cancel)
    try:
        sample = head.decode(encoding, errors="ignore") if encoding != "utf-16" else _utf16_sample(p)
    except (LookupError, UnicodeError):
        sample = head.decode("latin-1")
    if _looks_like_garbage(sample):
        raise file_problem(file, "is not a text (CSV) file: it is full of control characters. " + _SAVE_AS)
    source = RecordSource(file=file, path=p, kind="csv", encoding=encoding, delimiter=detect_delimiter(sample))
    source._size = p.stat().st_size
    if encoding in ("cp1252", "latin-1"):
        source.warnings.append(
            f"{p.name} is not UTF-8; it was read as Windows-1252 (Western European) text. If accented letters look "
            "wrong, save the file as CSV UTF-8 and import it again."
        )
    return source


def _utf16_sample(path: Path) -> str:
    with path.open("r", encoding="utf-16", errors="replace", newline="") as handle:
        return handle.read(_SNIFF_BYTES // 2)


def _open_xlsx(path: Path, sheet: str | None) -> RecordSource:
    from openpyxl import load_workbook

    file = str(path)
    check_workbook_size(path, file)
    try:
        handle = path.open("rb")  # a file object: openpyxl refuses names without an Excel extension
    except OSError as exc:
        raise file_problem(file, f"cannot be read ({exc.strerror or exc}).") from None
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        handle.close()
        raise file_problem(file, f"cannot open it as an Excel workbook ({exc}). Save it again as .xlsx.") from exc
    try:
        if not workbook.sheetnames:
            raise file_problem(file, "the workbook has no sheets. Save a sheet with a header row and data.")
        if sheet is None:
            title = workbook.sheetnames[0]
        elif sheet in workbook.sheetnames:
            title = sheet
        else:
            raise file_problem(file, f"has no sheet named '{sheet}'. Its sheets: {', '.join(workbook.sheetnames)}.")
        where = f"{file} [{title}]"
        worksheet = workbook[title]
        declared_rows = worksheet.max_row
        if declared_rows is not None and declared_rows > MAX_XLSX_ROWS:
            raise file_problem(where, _too_big(f"its size ({declared_rows:,} rows)", declared_rows, 0))
        _refuse_formulas_without_values(workbook, worksheet, where, title)
        worksheet.reset_dimensions()  # rows come as long as their cells, never padded to a declared width
    except BaseException:
        workbook.close()
        handle.close()
        raise
    return RecordSource(
        file=where,
        path=path,
        kind="xlsx",
        sheet=title,
        _workbook=workbook,
        _handle=handle,
        _rows_total=declared_rows,
    )


def _too_big(what: str, rows: int, cells: int) -> str:
    return (
        f"the sheet is too large to read: at {what} it passes the limit of {MAX_XLSX_ROWS:,} rows or "
        f"{MAX_XLSX_CELLS:,} cells (it holds at least {rows:,} rows, {cells:,} cells so far). Excel itself holds "
        "at most 1,048,576 rows; the file may be damaged or built to exhaust memory. Delete the empty rows and "
        "columns below and beside the data, or split the data into several files, and import again."
    )


def check_workbook_size(path: Path, file: str) -> None:
    """Refuse a workbook whose parts unpack to more than the limits, before any of it is parsed.

    The sizes are the ones the archive declares; Python's zip reader never unpacks more than that (a part that
    inflates beyond its declared size fails its check), so the limits hold for hostile files too.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise file_problem(file, f"cannot open it as an Excel workbook ({exc}). Save it again as .xlsx.") from None
    total = sum(p.file_size for p in parts)
    biggest = max(parts, key=lambda p: p.file_size, default=None)
    advice = (
        "No real sheet is this large (Excel holds at most 1,048,576 rows); the file may be damaged or built to "
        "exhaust memory. If the data is real, split it into several files or save it as CSV, and import again."
    )
    if total > MAX_XLSX_UNCOMPRESSED and biggest is not None:
        raise file_problem(
            file,
            f"unpacks to {total / 1e6:,.0f} MB (its part {biggest.filename} alone to "
            f"{biggest.file_size / 1e6:,.0f} MB), more than the {MAX_XLSX_UNCOMPRESSED / 1e6:,.0f} MB a workbook "
            f"may unpack to. {advice}",
        )
    for part in parts:
        if part.filename.lower().endswith("sharedstrings.xml") and part.file_size > MAX_XLSX_SHARED_STRINGS:
            raise file_problem(
                file,
                f"its table of texts ({part.filename}) unpacks to {part.file_size / 1e6:,.0f} MB, more than the "
                f"{MAX_XLSX_SHARED_STRINGS / 1e6:,.0f} MB limit. {advice}",
            )
        if part.file_size > _RATIO_FROM and part.file_size > MAX_XLSX_RATIO * max(part.compress_size, 1):
            ratio = part.file_size / max(part.compress_size, 1)
            raise file_problem(
                file,
                f"its part {part.filename} unpacks {ratio:,.0f} times larger than it is packed "
                f"({part.compress_size / 1e6:,.1f} MB to {part.file_size / 1e6:,.0f} MB); real sheets pack at most "
                f"about {MAX_XLSX_RATIO} times. {advice}",
            )


def _has_formula_or_error(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether a sheet's XML holds any formula or error cell (a fast byte scan; most sheets hold neither)."""
    tail = b""
    with archive.open(part) as stream:
        while block := stream.read(_SCAN_BLOCK):
            if _FORMULA_OR_ERROR.search(tail + block):
                return True
            tail = block[-16:]
    return False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _refuse_formulas_without_values(workbook: Any, worksheet: Any, file: str, title: str) -> None:
    """Refuse error cells (#DIV/0!, #REF!, #N/A…) and formulas without a saved result, naming each cell.

    The sheet is read for its values (``data_only``), so a formula shows the result the spreadsheet saved with it;
    a formula without one would read as an empty cell and an error as text, both silently wrong.
    """
    from xml.etree.ElementTree import iterparse

    archive = getattr(workbook, "_archive", None)
    part = getattr(worksheet, "_worksheet_path", None)
    if not isinstance(archive, zipfile.ZipFile) or not isinstance(part, str):
        return
    if not _has_formula_or_error(archive, part):
        return
    problems: list[Problem] = []
    found = 0
    with archive.open(part) as stream:
        for _event, element in iterparse(stream, events=("end",)):
            tag = _local(element.tag)
            if tag == "row":
                element.clear()
                continue
            if tag != "c":
                continue
            children = {_local(child.tag): child for child in element}
            formula, value = children.get("f"), children.get("v")
            cell = f"{title}!{element.get('r') or '?'}"
            shown = f" (={_short(formula.text)})" if formula is not None and formula.text else ""
            message = None
            if element.get("t") == "e":
                error = value.text if value is not None and value.text else "an error"
                message = (
                    f"cell {cell} shows the error {error}{shown}. Correct the formula or type the value, then "
                    f"save. {_PASTE_VALUES}"
                )
            elif formula is not None and (value is None or not value.text) and element.get("t") != "str":
                message = (
                    f"cell {cell} holds a formula{shown} but no saved result (the program that wrote the file "
                    f"did not calculate it). Open the file in Excel or LibreOffice so it calculates. {_PASTE_VALUES}"
                )
            element.clear()
            if message is not None:
                found += 1
                if found > _MAX_CELL_PROBLEMS:
                    continue
                problems.append(Problem(file, None, None, message))
    if found > _MAX_CELL_PROBLEMS:
        problems.append(Problem(file, None, None, f"… {found - _MAX_CELL_PROBLEMS:,} more cells like these."))
    if problems:
        raise InputFileError(file, problems)


def _short(text: str) -> str:
    """A formula shortened for a message (its first 40 characters)."""
    return text if len(text) <= 40 else text[:40] + "…"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m"))
    return str(value)


# --- a whole small table -------------------------------------------------------------------------------------


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """Read a CSV/TSV/TXT or XLSX file whole. Raises InputFileError for unreadable files or malformed rows.

    Column names are stripped and lower-cased; blank rows are skipped; every value is stripped text.
    """
    with open_records(path, sheet) as source:
        return _table_from_rows(source.file, iter(source))


def _table_from_rows(file: str, numbered: Iterator[tuple[int, list[str]]]) -> Table:
    columns: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    for line_no, raw_row in numbered:
        cells = ["" if c is None else unguard_formula(str(c).strip()) for c in raw_row]
        if not any(cells):
            continue
        if columns is None:
            columns = [c.strip().strip("\ufeff").lower() for c in cells]
            while columns and not columns[-1]:
                columns.pop()
            dupes = sorted({c for c in columns if columns.count(c) > 1 and c})
            if dupes:
                problems.append(
                    Problem(
                        file,
                        line_no,
                        None,
                        f"the header repeats column(s) {', '.join(dupes)}. Rename or delete the repeated column.",
                    )
                )
            continue
        extra = cells[len(columns) :]
        if any(extra):
            problems.append(
                Problem(
                    file,
                    line_no,
                    None,
                    f"has {len(columns) + len([c for c in extra if c])} values but the header has {len(columns)} "
                    "columns. Check for a separator inside an unquoted value, and put quotes around that value.",
                )
            )
            continue
        padded = cells[: len(columns)] + [""] * (len(columns) - len(cells))
        # A column without a name in the header cannot be asked for: its values are left out of the row.
        rows.append((line_no, {c: v for c, v in zip(columns, padded, strict=True) if c}))
    if columns is None:
        raise file_problem(file, "the file is empty. It needs a header row and at least one data row.")
    if problems:
        raise InputFileError(file, problems)
    return Table(file, columns, rows)


# --- numbers -------------------------------------------------------------------------------------------------

#: What an amount may carry besides its number: currency signs and codes, spaces of every kind, apostrophes.
AMOUNT_JUNK = re.compile(r"[\s$€£¥₹\u00a0\u202f'’]|(?i:usd|eur|gbp|cad|aud|chf|us(?=\$))")
_PLAIN_NUMBER = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_GROUPED = {",": re.compile(r"^\d{1,3}(?:,\d{3})+$"), ".": re.compile(r"^\d{1,3}(?:\.\d{3})+$")}
_MINUS = ("-", "−", "–")


def guess_decimal_mark(text: str) -> str:
    """The decimal mark a single amount uses when nothing else tells: ``.`` or ``,``.

    ``1,234.50`` and ``1.234,50``: the last mark is the decimal one. ``1,234,567`` and ``1.234.567``: a repeated
    mark groups thousands. A single comma before exactly three digits (``1,234``) groups thousands; any other single
    comma (``1,5``) is a decimal comma. A single dot is a decimal point.
    """
    if "," in text and "." in text:
        return "," if text.rfind(",") > text.rfind(".") else "."
    if "," in text:
        parts = text.split(",")
        return "." if len(parts) > 2 or len(parts[1].rstrip("kKmM")) == 3 else ","
    if text.count(".") > 1:
        return ","
    return "."


def decimal_mark_evidence(text: str) -> str | None:
    """The decimal mark an amount shows beyond doubt (``1.234,5`` or ``3,14`` → ``,``), or None when ambiguous.

    ``1,234`` and ``1.234`` are ambiguous (thousands or decimals); use the evidence of other values in the column.
    """
    t = AMOUNT_JUNK.sub("", text).strip("()-−+")
    commas, dots = t.count(","), t.count(".")
    if commas and dots:
        return "," if t.rfind(",") > t.rfind(".") else "."
    if commas > 1:
        return "."
    if dots > 1:
        return ","
    if commas == 1:
        return None if len(t.split(",")[1]) == 3 else ","
    if dots == 1:
        return None if len(t.split(".")[1]) == 3 else "."
    return None


def parse_amount(text: str, decimal: str | None = None) -> float:
    """Read an amount such as ``1,234,567``, ``$1,234.50``, ``1.234.567,50 €``, ``(500)``, ``-80k`` or ``1.5M``.

    ``decimal`` is the column's decimal mark (``"."`` or ``","``) when it is known; without it each value is read
    by :func:`guess_decimal_mark`. Thousands separators must group digits by three. Raises ValueError with a short
    reason when the text is not a number.
    """
    t = AMOUNT_JUNK.sub("", str(text))
    negative = False
    if t.startswith("(") and t.endswith(")"):
        negative, t = True, t[1:-1]
    if t.startswith(_MINUS):
        negative, t = not negative, t[1:]
    elif t.startswith("+"):
        t = t[1:]
    elif t.endswith(_MINUS):  # 500- as some accounting exports write it
        negative, t = not negative, t[:-1]
    multiplier = 1.0
    if t[-1:] in ("k", "K"):
        multiplier, t = 1e3, t[:-1]
    elif t[-1:] in ("m", "M"):
        multiplier, t = 1e6, t[:-1]
    if not t:
        raise ValueError("empty")
    mark = decimal if decimal in (".", ",") else guess_decimal_mark(t)
    group = "," if mark == "." else "."
    whole, _, fraction = t.rpartition(mark) if mark in t else (t, "", "")
    if not whole and mark in t:
        whole = "0"
    if group in fraction or mark in whole:
        raise ValueError("decimal and thousands separators in the wrong places")
    if group in whole:
        if not _GROUPED[group].match(whole):
            raise ValueError("thousands separators in the wrong places")
        whole = whole.replace(group, "")
    plain = f"{whole}.{fraction}" if mark in t else whole
    if not _PLAIN_NUMBER.match(plain):
        raise ValueError("not a number")
    value = float(plain) * multiplier
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("not finite")
    return -value if negative else value


def parse_rate(text: str) -> float:
    """A rate or share: ``0.25``, ``25%`` or ``25 %`` all give 0.25."""
    t = text.strip()
    if t.endswith("%"):
        return parse_amount(t[:-1]) / 100.0
    return parse_amount(t)


def delimiter_name(delimiter: str | None) -> str:
    """A separator's name for messages ("semicolon")."""
    return _DELIMITER_NAMES.get(delimiter or ",", repr(delimiter))
