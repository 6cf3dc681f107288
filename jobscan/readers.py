"""Readers for batches of posts: CSV, TSV, JSONL, JSON array, plain text; files, folders, globs, stdin.

Every reader yields `Row`s in input order. A row keeps all of the input's own fields; a line
that cannot be parsed becomes a row with `error` set and its raw content kept, so nothing the
user gave is lost.
"""

from __future__ import annotations

import codecs
import csv
import glob
import io
import itertools
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

FORMATS = ("csv", "tsv", "jsonl", "json", "txt", "parquet")
_EXT = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
        ".txt": "txt", ".text": "txt", ".parquet": "parquet"}
MAX_TEXT_CHARS = 100_000  # longer texts are scored on their first 100,000 characters

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class InputError(Exception):
    """The input cannot be read at all (missing, a directory of nothing, unknown format...)."""


@dataclass
class Row:
    source: str
    line: int  # 1-based line (or record) number in its source
    data: dict = field(default_factory=dict)
    text: str | None = None
    error: str | None = None


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode the bytes that are not UTF-8 as Windows-1252 (Latin-1 where 1252 has no character),
    so a file mixing UTF-8 and 1252 lines reads right everywhere."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), exc.end


FALLBACK_ERRORS = "jobscan-cp1252-fallback"
codecs.register_error(FALLBACK_ERRORS, _cp1252_fallback)

# Files that are certainly not text, by their first bytes.
_MAGIC = ((b"PK\x03\x04", "a ZIP archive (an Excel or Word file? save it as CSV)"), (b"%PDF", "a PDF"),
          (b"\x89PNG", "an image"), (b"\xff\xd8\xff", "an image"), (b"GIF8", "an image"),
          (b"\x1f\x8b", "a gzip archive"), (b"SQLite format 3", "a SQLite database"), (b"\x7fELF", "a program"))


def binary_kind(head: bytes) -> str | None:
    """What a file is when its first bytes show it is not text (None: it may be text). A few NUL
    bytes in text are tolerated; UTF-16 (many NULs) is text."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if not head or detect_encoding(head).startswith("utf-16"):
        return None
    controls = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f\v\x1b")
    return "binary data, not text" if controls > max(8, len(head) // 10) else None


def detect_encoding(head: bytes, complete: bool = False) -> str:
    """The encoding of a file from its first bytes (`complete` when `head` is the whole file)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if len(head) >= 4 and head[1:4:2] == b"\x00\x00" and head[0] != 0:
        return "utf-16-le"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if not complete and exc.start >= len(head) - 3:  # a character cut at the end of the sample
            return "utf-8"
        return "cp1252"


def format_for(path: str, given: str | None) -> str:
    if given:
        if given not in FORMATS:
            raise InputError(f"unknown input format {given!r}; use one of {', '.join(FORMATS)}")
        return given
    fmt = _EXT.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(f"cannot tell the format of {path}; name it with --input-format ({', '.join(FORMATS)})")
    return fmt


def expand_inputs(inputs: list[str]) -> list[str]:
    """Files named, files in folders named, and files matching globs, in a stable order."""
    out: list[str] = []
    for item in inputs:
        if item == "-":
            out.append(item)
            continue
        p = Path(item)
        if p.is_dir():
            files = sorted(str(f) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in _EXT)
            if not files:
                raise InputError(f"{item} is a folder with no .csv, .tsv, .jsonl, .json or .txt files")
            out.extend(files)
        elif p.exists():
            out.append(item)
        elif any(ch in item for ch in "*?["):
            matches = sorted(f for f in glob.glob(item, recursive=True) if Path(f).is_file())
            if not matches:
                raise InputError(f"no files match {item}")
            out.extend(matches)
        else:
            raise InputError(f"input not found: {item}")
    return out


def _open_text(path: str, encoding: str | None) -> tuple[io.TextIOBase, str]:
    if path == "-":
        raw = sys.stdin.buffer
        head = raw.peek(65536)[:65536] if hasattr(raw, "peek") else b""
        enc = encoding or detect_encoding(head)
        enc, errors = _decoding(enc, given=encoding is not None)
        return io.TextIOWrapper(raw, encoding=enc, errors=errors, newline=""), enc
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{path} is a folder, not a file")
    try:
        with open(p, "rb") as f:
            head = f.read(65536)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    enc = encoding or detect_encoding(head, complete=len(head) < 65536)
    try:
        codecs.lookup(enc)
    except LookupError:
        raise InputError(f"unknown encoding {enc!r}") from None
    kind = None if encoding else binary_kind(head)
    if kind:
        raise InputError(f"{path} is {kind}; give a CSV, TSV, JSONL, JSON or TXT file")
    enc, errors = _decoding(enc, given=encoding is not None)
    return open(p, encoding=enc, errors=errors, newline=""), enc


def _decoding(enc: str, given: bool) -> tuple[str, str]:
    """(encoding, error handler) for a file: a detected UTF-8 or Windows-1252 file is read as UTF-8
    with a Windows-1252 fallback for the bytes that are not UTF-8 (files that mix the two exist)."""
    if not given and enc in ("utf-8", "utf-8-sig", "cp1252"):
        return ("utf-8-sig" if enc == "utf-8-sig" else "utf-8"), FALLBACK_ERRORS
    return enc, "replace"


def _text_of(data: dict, columns: list[str]) -> tuple[str | None, str | None]:
    present = [c for c in columns if c in data]
    if not present:
        return None, f"no {' / '.join(repr(c) for c in columns)} field"
    parts = []
    for c in present:
        v = data[c]
        if v is None:
            continue
        if not isinstance(v, str):
            if isinstance(v, (dict, list)):
                return None, f"field {c!r} is not text"
            v = str(v)
        if v and not v.isspace():  # not blank (what v.strip() tells, without a copy)
            parts.append(v)
    text = "\n".join(parts).replace("\x00", " ")
    if not text or text.isspace():
        return None, "empty text"
    return text[:MAX_TEXT_CHARS], None


class _Lines:
    """The physical lines a csv.reader consumes, so that each record's raw text is known."""

    def __init__(self, lines):
        self._it = iter(lines)
        self.taken: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._it)
        self.taken.append(line)
        return line

    def take(self) -> list[str]:
        out, self.taken = self.taken, []
        return out

    def rest(self):
        """The lines not read yet."""
        return self._it


def _strictly_valid(raw: str, delimiter: str) -> bool:
    """Whether a record's raw text is valid CSV by the strict rules: every quote that opens a field
    closes it, and a closing quote is followed by a delimiter or the end of the line."""
    try:
        for _ in csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        return False
    return True


def _read_delimited(f, source: str, delimiter: str, columns: list[str]) -> Iterator[Row]:
    lines = _Lines(f)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"{source}: cannot read the header: {exc}") from None
    header = [h.lstrip("\ufeff") for h in header]
    if not any(c in header for c in columns):
        shown = ", ".join(" ".join(h.split())[:40] for h in header[:12])  # one line, whatever the header holds
        raise InputError(f"{source}: no column named {' or '.join(repr(c) for c in columns)} "
                         f"(columns: {shown}); choose one with --text-column")
    first = len(lines.take()) + 1  # physical line of the next record
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raw = lines.take()
            yield Row(source, first, {"_raw": "".join(raw).rstrip("\r\n")}, None, f"line {first}: malformed CSV ({exc})")
            first += max(1, len(raw))
            continue
        raw = lines.take()
        line = first
        first += len(raw)
        if len(raw) > 1 and not _strictly_valid("".join(raw), delimiter):
            # A quote opened and not properly closed (a file cut short, a stray quote): csv swallowed
            # the following lines into one field. Keep this line as an error row, read the rest again.
            yield Row(source, line, {"_raw": raw[0].rstrip("\r\n")}, None,
                      f"line {line}: a quote is opened and not properly closed")
            first = line + 1
            lines = _Lines(itertools.chain(raw[1:], lines.rest()))
            reader = csv.reader(lines, delimiter=delimiter)
            continue
        if not values:
            continue
        data = dict(zip(header, values))
        if len(values) > len(header):
            data["_extra"] = delimiter.join(values[len(header):])
        text, err = _text_of(data, columns)
        yield Row(source, line, data, text, f"line {line}: {err}" if err else None)


def _reason(exc: BaseException) -> str:
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc).splitlines()[0][:120]


def _no_surrogates(value):
    """JSON strings may hold lone surrogates ("\\ud800"), which no UTF-8 output can carry: U+FFFD instead."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    return value


def _loads(text: str):
    data = json.loads(text)
    if "\\ud" in text.lower():
        data = _no_surrogates(data)
    return data


def _read_jsonl(f, source: str, columns: list[str]) -> Iterator[Row]:
    for n, line in enumerate(f, 1):
        if not line.strip():
            continue
        try:
            data = _loads(line)
        except json.JSONDecodeError as exc:
            yield Row(source, n, {"_raw": line.rstrip("\r\n")}, None, f"line {n}: invalid JSON ({exc.msg})")
            continue
        except (ValueError, RecursionError) as exc:  # a 5,000-digit number, arrays nested 10,000 deep
            yield Row(source, n, {"_raw": line.rstrip("\r\n")}, None, f"line {n}: unreadable JSON ({_reason(exc)})")
            continue
        if not isinstance(data, dict):
            yield Row(source, n, {"_raw": line.rstrip("\r\n")}, None, f"line {n}: not a JSON object")
            continue
        text, err = _text_of(data, columns)
        yield Row(source, n, data, text, f"line {n}: {err}" if err else None)


def _read_json_array(f, source: str, columns: list[str]) -> Iterator[Row]:
    try:
        items = _loads(f.read())
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}); "
                         f"for one object per line use .jsonl") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{source}: unreadable JSON ({_reason(exc)})") from None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise InputError(f"{source}: a JSON input must be an array of objects")
    for n, data in enumerate(items, 1):
        if not isinstance(data, dict):
            yield Row(source, n, {"_raw": json.dumps(data, ensure_ascii=False)}, None, f"item {n}: not a JSON object")
            continue
        text, err = _text_of(data, columns)
        yield Row(source, n, data, text, f"item {n}: {err}" if err else None)


def _read_txt(f, source: str) -> Iterator[Row]:
    """Posts separated by one or more blank lines."""
    buf: list[str] = []
    start = 1
    n = 0
    for n, line in enumerate(f, 1):
        if line.strip():
            if not buf:
                start = n
            buf.append(line.rstrip("\r\n"))
        elif buf:
            yield _txt_row(source, start, buf)
            buf = []
    if buf:
        yield _txt_row(source, start, buf)


def _txt_row(source: str, start: int, lines: list[str]) -> Row:
    text = "\n".join(lines).replace("\x00", " ")
    if not text.strip():  # NUL bytes only
        return Row(source, start, {"text": text}, None, f"line {start}: empty text")
    return Row(source, start, {"text": text}, text[:MAX_TEXT_CHARS])


def open_parquet(path: str, columns: list[str]):
    """A pyarrow ParquetFile that has one of the text columns, or a one-line InputError."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("Parquet needs pyarrow: pip install 'jobscan[parquet]'") from None
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:
        raise InputError(f"{path}: not a readable Parquet file ({type(exc).__name__})") from None
    names = pf.schema_arrow.names
    if not any(c in names for c in columns):
        raise InputError(f"{path}: no column named {' or '.join(repr(c) for c in columns)} "
                         f"(columns: {', '.join(names[:12])}); choose one with --text-column")
    return pf


def _read_parquet(path: str, columns: list[str]) -> Iterator[Row]:
    pf = open_parquet(path, columns)
    n = 0
    for batch in pf.iter_batches(batch_size=4096):
        for data in batch.to_pylist():
            n += 1
            text, err = _text_of(data, columns)
            yield Row(path, n, data, text, f"row {n}: {err}" if err else None)


def records(path: Path, fail: Callable[[str], Exception]) -> Iterator[dict]:
    """The records of a trainer's CSV/TSV, JSONL or JSON-array file, as dicts (review, compare).

    Broken JSONL lines are skipped (there is nothing to review or compare in them). An unreadable
    file raises `fail(reason)`, reason "format" or "encoding", so each tool words its own error."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv"):
            with open(path, encoding="utf-8-sig", newline="") as f:
                yield from csv.DictReader(f, delimiter="\t" if suffix == ".tsv" else ",")
        elif suffix in (".jsonl", ".ndjson"):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        try:
                            rec = json.loads(line)
                        except json.JSONDecodeError:
                            continue
                        if isinstance(rec, dict):
                            yield rec
        elif suffix == ".json":
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            if not isinstance(data, list):
                raise fail("format")
            yield from (r for r in data if isinstance(r, dict))
        else:
            raise fail("format")
    except UnicodeDecodeError:
        raise fail("encoding") from None
    except json.JSONDecodeError:
        raise fail("format") from None


def read_rows(path: str, fmt: str | None = None, text_columns: list[str] | None = None,
              encoding: str | None = None) -> Iterator[Row]:
    columns = text_columns or ["text"]
    if path == "-" and not fmt:
        raise InputError("reading from stdin needs --input-format (csv, tsv, jsonl, json or txt)")
    fmt = format_for(path, fmt)
    if fmt == "parquet":
        if path == "-":
            raise InputError("Parquet cannot be read from stdin; give a file")
        yield from _read_parquet(path, columns)
        return
    f, _ = _open_text(path, encoding)
    source = "<stdin>" if path == "-" else path
    try:
        if fmt == "csv":
            yield from _read_delimited(f, source, ",", columns)
        elif fmt == "tsv":
            yield from _read_delimited(f, source, "\t", columns)
        elif fmt == "jsonl":
            yield from _read_jsonl(f, source, columns)
        elif fmt == "json":
            yield from _read_json_array(f, source, columns)
        else:
            yield from _read_txt(f, source)
    finally:
        if path != "-":
            f.close()
