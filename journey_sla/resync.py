"""Resynchronising CSV scan: split a file into well-formed records and rejected lines.

DuckDB's CSV reader treats a stray quote (``a,"b,c``) as the start of a quoted field that
runs to the next quote, possibly the end of the file: one bad line silently swallows the
rest. The loader therefore counts a file's physical lines (:func:`count_lines`, fast, no
parsing) and, when DuckDB's records do not add up to them, rescans the file here, in a
streaming way over its raw bytes:

- at each physical line a record is tried: RFC 4180 fields (a field that starts with a quote
  runs to its closing quote, ``""`` escapes one, and may span lines; an unquoted field may
  contain quotes but no comma or newline), exactly ``width`` of them, valid UTF-8, at most
  ``max_record_bytes`` long;
- a record that passes is copied, byte for byte, to the filtered file DuckDB then reads;
- one that fails costs its first physical line only: that line is rejected with its exact
  bytes, and the scan resumes at the next line. So a quote that spans lines costs the lines
  it really breaks and no more.

Blank lines are skipped, as DuckDB does. Record numbers count records and rejected lines
(not blank lines), 1-based after the header.
"""

from __future__ import annotations

import csv
import gzip
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 24
_FIELD = rb'(?:"[^"]*(?:""[^"]*)*"|[^",\r\n][^,\r\n]*|)'
_RECORD = re.compile(_FIELD + rb"(?:," + _FIELD + rb")*(?:\r?\n|\Z)")


def open_bytes(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")  # noqa: SIM115


def has_quote(path: Path) -> bool:
    """Whether any byte of the file is a double quote (no quote: every record is one line)."""
    with open_bytes(path) as handle:
        while chunk := handle.read(CHUNK):
            if b'"' in chunk:
                return True
    return False


def count_lines(path: Path) -> int:
    """Non-blank physical lines (header included), without parsing."""
    with open_bytes(path) as handle:
        return sum(1 for line in handle if line not in (b"\n", b"\r\n", b"\r"))


def _width(record: bytes) -> int:
    if b'"' not in record:
        return record.count(b",") + 1
    text = record.rstrip(b"\r\n").decode("latin-1")
    return len(next(csv.reader([text], strict=True), [""]))


@dataclass
class Scan:
    """What the scan found. ``numbers[k]`` is the record number of filtered record k+1;
    ``offsets[k]`` its byte offset in the filtered file (``offsets[-1]`` its end)."""

    numbers: array = field(default_factory=lambda: array("q"))
    offsets: array = field(default_factory=lambda: array("q"))
    rejects: list[tuple[int, bytes, str]] = field(default_factory=list)  # number, line, error


def _iter_buffers(handle: BinaryIO) -> Iterator[bytes]:
    while chunk := handle.read(CHUNK):
        yield chunk


def scan(path: Path, filtered: Path, width: int, max_record_bytes: int) -> Scan:
    """Write the header and every well-formed record of ``path`` to ``filtered``."""
    result = Scan()
    number = 0
    with open_bytes(path) as handle, open(filtered, "wb") as out:
        header = handle.readline()
        out.write(header if header.endswith(b"\n") else header + b"\n")
        written = len(header) + (0 if header.endswith(b"\n") else 1)
        buffer = b""
        pos = 0
        eof = False
        chunks = _iter_buffers(handle)

        def more(size: int) -> bool:
            nonlocal buffer, pos, eof
            pieces = [buffer[pos:]]
            got = 0
            for chunk in chunks:
                pieces.append(chunk)
                got += len(chunk)
                if got >= size:
                    break
            else:
                eof = True
            buffer, pos = b"".join(pieces), 0
            return got > 0

        more(CHUNK)
        while True:
            if pos >= len(buffer):
                if eof or not more(CHUNK):
                    break
                continue
            newline = buffer.find(b"\n", pos)
            if newline < 0 and not eof:
                more(max(CHUNK, len(buffer)))
                continue
            line_end = len(buffer) if newline < 0 else newline + 1
            line = buffer[pos:line_end]
            if line in (b"\n", b"\r\n"):
                pos = line_end
                continue
            match = _RECORD.match(buffer, pos)
            end = match.end() if match else -1
            if not eof and (end == len(buffer) or (end < 0 and b'"' in buffer[pos:])):
                more(max(CHUNK, len(buffer)))  # the record may continue past the buffer
                continue
            number += 1
            record = buffer[pos:end] if end > pos else b""
            error = ""
            if end <= pos:
                error = "UNQUOTED VALUE" if b'"' in line else "INVALID STATE"
            elif len(record) > max_record_bytes:
                error = "LINE SIZE OVER MAXIMUM"
            else:
                fields = _width(record)
                if fields != width:
                    error = "MISSING COLUMNS" if fields < width else "TOO MANY COLUMNS"
                else:
                    try:
                        record.decode("utf-8")
                    except UnicodeDecodeError:
                        error = "INVALID ENCODING"
            if error:
                result.rejects.append((number, line.rstrip(b"\n").rstrip(b"\r"), error))
                pos = line_end
                continue
            if not record.endswith(b"\n"):
                record += b"\n"
            result.numbers.append(number)
            result.offsets.append(written)
            out.write(record)
            written += len(record)
            pos = end
        result.offsets.append(written)
    return result


def lines_at(path: Path, wanted: set[int]) -> dict[int, bytes]:
    """Physical lines by 1-based number (the header is line 1), without their terminator."""
    found: dict[int, bytes] = {}
    if not wanted:
        return found
    last = max(wanted)
    with open_bytes(path) as handle:
        for number, line in enumerate(handle, start=1):
            if number in wanted:
                found[number] = line.rstrip(b"\n").rstrip(b"\r")
            if number >= last:
                break
    return found


def records_at(path: Path, offsets: array, wanted: set[int]) -> dict[int, bytes]:
    """Records of a filtered file by 1-based record number (header not counted)."""
    found: dict[int, bytes] = {}
    with open(path, "rb") as handle:
        for index in sorted(wanted):
            if 1 <= index < len(offsets):
                handle.seek(offsets[index - 1])
                data = handle.read(offsets[index] - offsets[index - 1])
                found[index] = data.rstrip(b"\n").rstrip(b"\r")
    return found
