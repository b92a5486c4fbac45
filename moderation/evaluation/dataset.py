"""Read a labelled CSV into rows the engine can judge; every row that cannot be used is counted
with its reason instead of stopping the run (real exports are messy: stray quotes, bad bytes,
missing cells).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from moderation.errors import ModerationError

#: Label values meaning "a moderator should reject this" (compared case-insensitively).
DEFAULT_POSITIVE: tuple[str, ...] = (
    "1", "true", "yes", "reject", "toxic", "spam", "off", "hate", "offensive",
)
#: Label values meaning "clean, approve it". Anything in neither list is refused: a typo or an
#: unexpected value ("maybe") silently counted as clean would bend every figure.
DEFAULT_NEGATIVE: tuple[str, ...] = (
    "0", "false", "no", "approve", "clean", "ok", "not", "ham", "none", "normal",
)
_SURROGATE = re.compile("[\udc80-\udcff]")


class ColumnMissing(ModerationError):
    """A column named on the command line is not in the CSV header."""

    def __init__(self, path: Path, column: str, option: str, header: list[str]) -> None:
        shown = ", ".join(repr(h) for h in header[:30]) or "(no header row)"
        super().__init__(f"{path}: no column {column!r} (given by {option}); columns: {shown}")


class UnknownLabels(ModerationError):
    """Label values that are in neither the positive nor the negative list."""

    def __init__(self, path: Path, column: str, unknown: dict[str, list[int]],
                 positive: frozenset[str], negative: frozenset[str]) -> None:
        shown = "; ".join(
            f"{value!r} ({len(rows)} row(s): {', '.join(map(str, rows[:5]))}"
            f"{', ...' if len(rows) > 5 else ''})" for value, rows in sorted(unknown.items()))
        super().__init__(
            f"{path}: column {column!r} has label values that mean neither 'reject' nor "
            f"'clean': {shown}. Accepted (case-insensitive): positive (should be rejected): "
            f"{', '.join(sorted(positive))}; negative (clean): {', '.join(sorted(negative))}. "
            "Map them with --positive/--negative, or fix the rows.")
        self.unknown = unknown


@dataclass(frozen=True)
class LabelledRow:
    row: int  # 1-based data row number (the header is row 0), for people to find it
    text: str
    violating: bool
    label: str  # the raw label value, as written
    category: str | None = None
    article_title: str | None = None
    function: str | None = None  # functional suite: the kind of case (per-function figures)


@dataclass(frozen=True)
class SkippedRow:
    row: int
    reason: str  # short, groupable: "empty text", "missing label", "unparseable: ...", ...
    detail: str = ""


@dataclass
class ReadResult:
    rows: list[LabelledRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    total_rows: int = 0  # data rows seen (parsed or not)
    encoding_errors: list[int] = field(default_factory=list)  # rows with invalid UTF-8 (kept)
    header: list[str] = field(default_factory=list)


def normalize_label(value: str) -> str:
    """'1.0' -> '1', ' Toxic ' -> 'toxic': so numeric and textual labels compare reliably."""
    v = value.strip().lower()
    try:
        f = float(v)
    except ValueError:
        return v
    return str(int(f)) if f.is_integer() else v


def parse_positive(values: str | Iterable[str] | None) -> frozenset[str]:
    """``--positive "1,toxic"`` -> {'1', 'toxic'}; None -> the defaults."""
    if values is None:
        return frozenset(DEFAULT_POSITIVE)
    if isinstance(values, str):
        values = values.split(",")
    out = frozenset(normalize_label(v) for v in values if v.strip())
    if not out:
        raise ValueError("--positive needs at least one value")
    return out


def parse_negative(values: str | Iterable[str] | None,
                   positive: frozenset[str]) -> frozenset[str]:
    """``--negative "0,2"`` -> {'0', '2'}; None -> the default clean values not taken by
    ``positive`` (so ``--positive 0`` alone does not leave '0' on both sides)."""
    if values is None:
        return frozenset(DEFAULT_NEGATIVE) - positive
    if isinstance(values, str):
        values = values.split(",")
    out = frozenset(normalize_label(v) for v in values if v.strip())
    if not out:
        raise ValueError("--negative needs at least one value")
    both = out & positive
    if both:
        raise ValueError(f"label value(s) both positive and negative: {', '.join(sorted(both))}")
    return out


def _decode(raw: bytes) -> str:
    """UTF-8 (BOM tolerated); undecodable bytes survive as surrogates so rows can report them."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw.decode("utf-8", errors="surrogateescape")


def _clean(value: str) -> tuple[str, bool]:
    """Replace escaped bad bytes by U+FFFD; returns (text, had_errors)."""
    if _SURROGATE.search(value):
        return _SURROGATE.sub("\ufffd", value), True
    return value, False


def read_labelled_csv(
    path: str | Path,
    text_column: str,
    label_column: str,
    *,
    positive: Iterable[str] | None = None,
    negative: Iterable[str] | None = None,
    category_column: str | None = None,
    article_title_column: str | None = None,
    function_column: str | None = None,
    limit: int | None = None,
) -> ReadResult:
    """Parse ``path``; raises ColumnMissing for an unknown column and UnknownLabels for label
    values in neither ``positive`` nor ``negative`` (every such value and its rows listed),
    never for a row that cannot be read."""
    path = Path(path)
    pos = parse_positive(positive)
    neg = parse_negative(negative, pos)
    unknown: dict[str, list[int]] = {}
    text = _decode(path.read_bytes())
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # over-long texts are the engine's call
    reader = csv.reader(io.StringIO(text, newline=""))
    result = ReadResult()
    try:
        header = [_clean(h)[0].strip() for h in next(reader)]
    except StopIteration:
        header = []
    except csv.Error as exc:
        raise ModerationError(f"{path}: cannot parse the header row: {exc}") from exc
    result.header = header
    wanted = {"--text-column": text_column, "--label-column": label_column}
    if category_column:
        wanted["--category-column"] = category_column
    if article_title_column:
        wanted["--article-title-column"] = article_title_column
    if function_column:
        wanted["--function-column"] = function_column
    index: dict[str, int] = {}
    for option, name in wanted.items():
        if name not in header:
            raise ColumnMissing(path, name, option, header)
        index[option] = header.index(name)
    need = max(index.values()) + 1

    row_no = 0
    while limit is None or len(result.rows) < limit:
        row_no += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.total_rows += 1
            result.skipped.append(SkippedRow(row_no, "unparseable CSV row", str(exc)))
            continue
        if not cells:  # a blank line: not a row at all
            row_no -= 1
            continue
        result.total_rows += 1
        if len(cells) < need:
            result.skipped.append(SkippedRow(
                row_no, "unparseable: too few fields", f"{len(cells)} fields, header has "
                f"{len(header)}"))
            continue
        bad_bytes = False
        values: dict[str, str] = {}
        for option, i in index.items():
            values[option], had = _clean(cells[i])
            bad_bytes |= had
        if bad_bytes:
            result.encoding_errors.append(row_no)
        raw_label = values["--label-column"]
        if not raw_label.strip():
            result.skipped.append(SkippedRow(row_no, "missing label"))
            continue
        comment = values["--text-column"]
        if not comment.strip():
            result.skipped.append(SkippedRow(row_no, "empty text"))
            continue
        category = values.get("--category-column", "").strip() or None
        title = values.get("--article-title-column", "").strip() or None
        function = values.get("--function-column", "").strip() or None
        label = normalize_label(raw_label)
        if label not in pos and label not in neg:
            unknown.setdefault(raw_label.strip(), []).append(row_no)
            continue
        result.rows.append(LabelledRow(
            row=row_no, text=comment, violating=label in pos,
            label=raw_label.strip(), category=category, article_title=title,
            function=function))
    if unknown:
        raise UnknownLabels(path, label_column, unknown, pos, neg)
    return result
