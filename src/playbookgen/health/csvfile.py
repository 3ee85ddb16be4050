"""The deals file as a CSV text: refused early when it is not one, its encoding found (or taken from
``deals.encoding``) and anything but UTF-8 converted in chunks, its delimiter found, and the DuckDB
``read_csv`` call that reads it with a fixed dialect."""

from __future__ import annotations

import codecs
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ValidationFailed, error
from .source import DealsRequest
from .sql import text

if TYPE_CHECKING:
    import duckdb

__all__ = ["CsvFile", "ENCODINGS", "MAX_BYTES", "NotUtf8", "check_file", "open_csv", "first_line", "headers",
           "header_names", "named", "spreadsheet_rows", "unreadable"]

MAX_BYTES = 1 << 30  # 1 GiB: about five million deals; a bigger file is not a CRM export
_SNIFF_BYTES = 64 * 1024
_CHUNK = 1 << 20
# deals.encoding -> Python's codec. Excel's "Unicode text" is UTF-16 with a byte order mark; Windows-1252
# is what a CRM's weekly data export and Western Excel write, Windows-1250 what Polish Excel writes.
ENCODINGS = {"utf-8": "utf-8", "utf-16": "utf-16", "windows-1252": "cp1252", "windows-1250": "cp1250"}
_POLISH_ONLY = (0xB9, 0xB3, 0x9C, 0x9F, 0xBF, 0xA5, 0x8C, 0xAF, 0x8F)  # ą ł ś ź ż Ą Ś Ż Ź in Windows-1250
_WESTERN_ONLY = (0xE0, 0xE8, 0xEC, 0xF9, 0xE5, 0xC0, 0xC8, 0xF2, 0xD9)  # à è ì ù å À È ò Ù in Windows-1252


@dataclass(frozen=True)
class CsvFile:
    path: Path  # the UTF-8 text DuckDB reads: the file itself, or its conversion in the work folder
    encoding: str  # as deals.encoding names it, and as the report says it
    delimiter: str
    source: str  # SQL: the read_csv(...) of it
    header: bytes  # its first line, up to a megabyte: the delimiter and the column names are read off it
    footer_lines: int = 0  # the lines of a Salesforce report's footer left out at its end (_footer)


def _refuse(request: DealsRequest, code: str, message: str) -> ValidationFailed:
    return ValidationFailed([error(request.display, 1, 1, code, message)])


def check_file(request: DealsRequest) -> bytes:
    """Refuse, with one clear error, a file that is missing, empty, too big, or plainly not CSV text; the
    file's first bytes otherwise."""
    try:
        size = os.stat(request.path).st_size
        with open(request.path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except FileNotFoundError:
        raise _refuse(request, "deals-missing", "the deals file does not exist") from None
    except IsADirectoryError:
        raise _refuse(request, "deals-not-csv", "this is a folder; give the CSV file exported from the CRM") from None
    except OSError as exc:
        raise _refuse(request, "deals-unreadable", f"cannot read the deals file: {exc.strerror}") from None
    if size > MAX_BYTES:
        raise _refuse(request, "deals-too-large",
                      f"the file is {size / 2**20:.0f} MiB; playbookgen reads deal exports of up to "
                      f"{MAX_BYTES // 2**20} MiB")
    problem = _not_csv(head, size)
    if problem:
        raise _refuse(request, "deals-not-csv", problem)
    return head


def _not_csv(head: bytes, size: int) -> str | None:
    """Why the first bytes show the file is not a CSV text, or None."""
    if head.startswith(b"PK\x03\x04"):
        return "this is an Excel workbook (or another zip file), not CSV: open it and save it as 'CSV UTF-8'"
    guess = _guess(head)
    decoded = _decode_head(head, guess) if guess else head.decode("cp1252", errors="replace")
    if decoded is None or "\x00" in decoded:
        return "this is not a text file: export the deals from the CRM as CSV"
    if not decoded.strip():
        return "the file is empty: export the deals again"
    lines = [line for line in decoded.splitlines() if line.strip()]
    if len(lines) < 2 and size <= _SNIFF_BYTES:
        return "the file has a header row but no deals"
    return None


def _decode_head(head: bytes, encoding: str) -> str | None:
    decoder = codecs.getincrementaldecoder(_codec(encoding, head))(errors="strict")
    try:
        return decoder.decode(head, final=False).removeprefix("\ufeff")
    except UnicodeError:
        return None


def _codec(encoding: str, head: bytes) -> str:
    """Python's codec for ``encoding``; UTF-16 without a byte order mark is little-endian, as Windows writes
    it, whatever this machine's own order."""
    codec = ENCODINGS[encoding]
    if codec == "utf-16" and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16-le"
    return codec


def _guess(head: bytes) -> str:
    """The encoding the first bytes show: a byte order mark, NULs between letters (UTF-16), valid UTF-8,
    else the Windows code page whose letters the text has more of (Polish or Western)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4:
        return "utf-16"  # UTF-16 without its mark: Python reads it as little-endian, as Windows writes it
    trimmed = head if len(head) < _SNIFF_BYTES else head[: head.rfind(b"\n") + 1] or head
    try:
        trimmed.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return ""  # a Windows code page: which one, open_csv tells from the stage names


def _code_page(data: bytes, hints: Sequence[str] = ()) -> str:
    """Windows-1250 (Polish) or Windows-1252 (Western): the one in which more of ``hints`` (the playbook's
    stage names) appear in ``data``; else the one whose letters are more plausible: Polish ą ł ś ź ż Ą Ś Ż
    are symbols in Windows-1252 (¹ ³ œ Ÿ ¿ ¥ Œ ¯), Western à è ì ù å odd letters in Windows-1250."""
    found = {}
    for name in ("windows-1250", "windows-1252"):
        encoded = []
        for hint in hints:
            try:
                encoded.append(hint.encode(ENCODINGS[name]))
            except UnicodeEncodeError:
                continue
        found[name] = sum(data.count(e) for e in set(encoded) if not e.isascii())
    if found["windows-1250"] != found["windows-1252"]:
        return max(found, key=lambda k: found[k])
    polish = sum(data.count(bytes([b])) for b in _POLISH_ONLY)
    western = sum(data.count(bytes([b])) for b in _WESTERN_ONLY)
    return "windows-1250" if polish > western else "windows-1252"


class NotUtf8(ValidationFailed):
    """DuckDB met a byte that is not UTF-8 in a file read as UTF-8 (its start was): ``load_deals`` reads it
    again as its code page; should it get out, it says what to set."""


def open_csv(request: DealsRequest, work: Path, head: bytes, hints: Sequence[str] = (),
             not_utf8: bool = False) -> CsvFile:
    """The file ready for DuckDB, in UTF-8: its encoding (deals.encoding, else found; ``hints``, the stage
    names the file may hold, tell the Windows code pages apart), converted where needed.

    A file whose start is UTF-8 is read as it is, without a pass of our own over the rest: DuckDB checks
    every cell it reads and stops at the first byte that is not (NotUtf8). ``not_utf8``: it did, so the file
    is a code page after all (a Windows export with its first accented letter on row 5,000), or, when
    deals.encoding says UTF-8, refused with the byte and line."""
    encoding = request.encoding or _guess(head)
    path = request.path
    if not encoding or (not_utf8 and encoding == "utf-8" and not request.encoding):
        encoding = _code_page(_sample_of_high_bytes(request.path), hints)
    if encoding != "utf-8" or (not_utf8 and request.encoding == "utf-8"):
        path = _convert(request, work, encoding)  # UTF-8 that is not: refused, with where
    header = first_line(path)
    delimiter = _delimiter(header)
    footer = _footer(path, delimiter)
    if footer is not None:
        path = _cut(path, work, footer[0])
    return CsvFile(path, encoding, delimiter, _source(path, work, delimiter), header, footer[1] if footer else 0)


# A Salesforce report's export ends with a footer after its rows: a blank line, then lines of one cell each
# ("Grand Totals (57 records)", "Confidential Information - Do Not Distribute", "Copyright (c) 2000-2026
# salesforce.com, inc. All rights reserved.", "Generated By: ..."). Read as rows, they are ragged.
_FOOTER_TAIL = 64 * 1024
_FOOTER_MARK = re.compile(rb"salesforce\.com", re.IGNORECASE)


def _footer(path: Path, delimiter: str) -> tuple[int, int] | None:
    """Where a Salesforce report's footer starts (a byte offset) and how many lines it holds; None when the
    file ends with its rows. A footer starts with a blank line, holds only blank lines and lines of one cell,
    and names salesforce.com (its copyright line): nothing less is taken for one."""
    size = os.stat(path).st_size
    with open(path, "rb") as handle:
        handle.seek(max(0, size - _FOOTER_TAIL))
        tail = handle.read()
    lines = tail.splitlines(keepends=True)
    sep = delimiter.encode()
    count = 0
    while count < len(lines) - 1 and _one_cell(lines[-1 - count].rstrip(b"\r\n"), sep):
        count += 1
    footer = lines[len(lines) - count:]
    while footer and footer[0].strip():  # it starts at its first blank line
        footer = footer[1:]
    if not footer or not any(_FOOTER_MARK.search(line) for line in footer):
        return None
    return size - sum(len(line) for line in footer), len(footer)


def _one_cell(line: bytes, sep: bytes) -> bool:
    """Whether ``line`` is blank or holds one cell: quoted whole (its quotes inside doubled), or bare with no
    delimiter and no quote."""
    if line.startswith(b'"') and line.endswith(b'"') and len(line) > 1:
        return b'"' not in line[1:-1].replace(b'""', b"")
    return sep not in line and b'"' not in line


def _cut(path: Path, work: Path, end: int) -> Path:
    """The file up to byte ``end``: our own conversion cut short where it lies, else a copy in the work
    folder cut short (the user's file is never changed)."""
    if path.parent != work:
        path = Path(shutil.copyfile(path, work / "deals-rows.csv"))
    os.truncate(path, end)
    return path


def _sample_of_high_bytes(path: Path) -> bytes:
    """Up to a megabyte of the lines holding bytes above 127, to tell a Polish from a Western code page."""
    found = bytearray()
    with open(path, "rb") as handle:
        for line in handle:
            if not line.isascii():
                found += line
                if len(found) > _CHUNK:
                    break
    return bytes(found)


def _convert(request: DealsRequest, work: Path, encoding: str) -> Path:
    """The file re-encoded as UTF-8 in the work folder, a chunk at a time (a 1 GiB file never sits in memory)."""
    target = work / "deals-utf8.csv"
    codec = ENCODINGS[encoding]
    with open(request.path, "rb") as handle:
        if codec == "utf-16" and handle.read(2) not in (b"\xff\xfe", b"\xfe\xff"):
            codec = "utf-16-le"  # no byte order mark: as Windows writes it, whatever this machine's order
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    line, offset, current = 1, 0, b""
    try:
        with open(request.path, "rb") as source, open(target, "w", encoding="utf-8", newline="") as out:
            first = True
            while chunk := source.read(_CHUNK):
                current = chunk
                decoded = decoder.decode(chunk, final=False)
                if first:
                    decoded, first = decoded.removeprefix("\ufeff"), False
                out.write(decoded)
                line += decoded.count("\n")
                offset += len(chunk)
            out.write(decoder.decode(b"", final=True))
    except UnicodeError as exc:
        start = exc.start if isinstance(exc, UnicodeDecodeError) else 0
        line += current[:start].count(b"\n")
        raise _refuse(request, "deals-bad-encoding",
                      f"this file is not {encoding} text (byte {offset + start + 1:,}, near line {line:,}, "
                      "is not): "
                      f"set deals.encoding in playbook.yml to the file's encoding ({', '.join(ENCODINGS)})") from None
    return target


def first_line(path: Path) -> bytes:
    """The file's first line (the header), up to a megabyte."""
    with open(path, "rb") as handle:
        return handle.readline(1 << 20)


def _delimiter(line: bytes) -> str:
    """Comma, semicolon (Excel in much of Europe) or tab (Excel's Unicode text): whichever the header line
    holds most of."""
    first = line.decode("utf-8", errors="replace")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _source(path: Path, work: Path, delimiter: str) -> str:
    # read_csv treats *, ? and [ as a glob: a file named like that is reached through a plain-named link.
    name = str(path)
    if any(c in name for c in "*?["):
        link = work / "deals.csv"
        os.symlink(path, link)
        name = str(link)
    # The dialect is fixed rather than sniffed: a sniffer that guesses wrong on a ragged file would read the
    # wrong row as the header; a fixed one stops at the first ragged row with its line number.
    return (f"read_csv('{text(name)}', header = true, all_varchar = true, normalize_names = false, "
            f"delim = '{text(delimiter)}', quote = '\"', escape = '\"', strict_mode = true, skip = 0)")


def named(source: str, found: list[str]) -> str:
    """``source`` with its columns given by name, as DESCRIBE found them: each later read of the file skips
    DuckDB's sniffing (a few hundredths of a second, which is most of what a small export costs)."""
    columns = ", ".join(f"'{text(h)}': 'VARCHAR'" for h in found)
    return f"{source[:-1]}, auto_detect = false, columns = {{{columns}}})"


def headers(con: duckdb.DuckDBPyConnection, file: CsvFile, request: DealsRequest) -> list[str]:
    """The file's column names, as DuckDB names them: read off its first line where that line is plain
    (header_names), else by DuckDB's own DESCRIBE, which samples the file to find them (0.04-0.08 s of a
    100 MB export, most of what a small one costs)."""
    import duckdb

    plain = header_names(file.header, file.delimiter)
    if plain is not None:
        return plain
    try:
        return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {file.source}").fetchall()]
    except duckdb.Error as exc:
        raise unreadable(request, file, exc) from None


def header_names(line: bytes, delimiter: str) -> list[str] | None:
    """The names on the header ``line``, where DuckDB would take each as it is written: None for a line it
    names otherwise or one we do not read the same (a name empty, repeated, with spaces at its ends, not
    UTF-8, or a quote holding a line break), which DESCRIBE then reads. tests/test_health_read.py holds
    the two to the same names."""
    import csv

    try:
        text = line.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None
    if not text.endswith("\n") or _ends_in_cell(line):
        return None  # no line break within the first megabyte, or a quoted name going on to the next line
    try:
        names = next(csv.reader([text.rstrip("\r\n")], delimiter=delimiter, quotechar='"', doublequote=True,
                                strict=True))
    except (csv.Error, StopIteration):
        return None
    folded = {name.casefold() for name in names}
    if len(folded) != len(names) or any(not name or name != name.strip() or not name.isprintable() for name in names):
        return None
    return names


def unreadable(request: DealsRequest, file: CsvFile, exc: Exception) -> ValidationFailed:
    """DuckDB's refusal of ``file`` as one error in plain words, at the line it names or finds."""
    message = str(exc)
    line = re.search(r"\bLine:? (\d+)", message)
    if "Invalid unicode" in message:
        return NotUtf8([error(
            request.display, int(line.group(1)) if line else 1, 1, "deals-bad-encoding",
            f"this file is not UTF-8 text from here on: set deals.encoding in playbook.yml to the file's encoding "
            f"({', '.join(ENCODINGS)})")])
    # DuckDB's words when the line ending changes part-way (it takes one per file): find where, and say why,
    # in the text DuckDB read (a UTF-16 or code-page file's UTF-8 conversion, whose lines are the file's).
    mixed = _mixed_line_endings(file.path) if "invalid state" in message else None
    if mixed is not None:
        return ValidationFailed([error(
            request.display, mixed, 1, "deals-not-csv",
            "this line ends differently from the lines before it (some end as Windows writes them, CR LF, others "
            "with LF alone), so the file cannot be read as CSV: it was probably edited in two programs; open it "
            "in a spreadsheet and save it as CSV again")])
    first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    return ValidationFailed([error(
        request.display, int(line.group(1)) if line else 1, 1, "deals-not-csv",
        "this file cannot be read as CSV: a row has more or fewer cells than the header, or a quote is not "
        f"closed; export it from the CRM again (the reader said: {first})",
    )])


def spreadsheet_rows(path: Path, rows: Sequence[int]) -> dict[int, int]:
    """Each of ``rows`` (a record's row as DuckDB counts records: the header 1, the first record 2) -> its row
    as a spreadsheet shows ``path``: DuckDB skips an empty line, which a spreadsheet shows as an empty row, so
    each one before a record moves it down. A line break inside a quoted cell is the cell's. Read only when
    there is a problem to point at, up to the last row asked for."""
    wanted = sorted(set(rows))
    found: dict[int, int] = {}
    record = empty = 0
    in_cell = False
    with open(path, "rb") as handle:
        for line in handle:
            if not in_cell and line in (b"\n", b"\r\n"):
                empty += 1
                continue
            if not in_cell:
                record += 1  # the line starts a record
                if record == wanted[len(found)]:
                    found[record] = record + empty
                    if len(found) == len(wanted):
                        break
            in_cell ^= _ends_in_cell(line)
    return found


def _ends_in_cell(line: bytes) -> bool:
    """Whether ``line`` opens a quoted cell it does not close (or closes one a line before it opened): an
    odd number of quotes. A doubled quote inside a cell counts twice, so it changes nothing."""
    return line.count(b'"') % 2 == 1


def _mixed_line_endings(path: Path) -> int | None:
    """The first line (1-based, as an editor counts them) that ends otherwise than the first line does, CR LF
    against LF alone; None when all end alike. Read only when DuckDB refused the file: it reads one line ending
    per file. A line break inside a quoted cell is the cell's own (Excel writes it as LF alone in a CR LF file)
    and is not compared: a line whose quotes leave a cell open ends inside that cell."""
    try:
        with open(path, "rb") as handle:
            windows: bool | None = None
            in_cell = False
            for number, line in enumerate(handle, start=1):
                if not line.endswith(b"\n"):
                    return None  # the last line, without an ending
                in_cell ^= _ends_in_cell(line)
                if in_cell:
                    continue
                crlf = line.endswith(b"\r\n")
                if windows is None:
                    windows = crlf
                elif crlf != windows:
                    return number
    except OSError:
        return None
    return None
