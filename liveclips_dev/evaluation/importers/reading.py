"""Reading export files: whole JSON documents, line by line, and pydantic errors as text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from liveclips_dev.evaluation.importers.model import ImportFailed, Record


class Lenient(BaseModel):
    """An export's record: unknown keys ignored (exports carry dozens), types checked
    strictly (a time given as a string is an error, not a guess)."""

    model_config = ConfigDict(
        extra="ignore", frozen=True, strict=True, populate_by_name=True, allow_inf_nan=False
    )


def reason(error: ValidationError) -> str:
    """'content_offset_seconds: Field required; commenter.name: Input should be ...'"""
    parts = []
    for item in error.errors(include_url=False):
        where = ".".join(str(p) for p in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read ({exc.strerror})") from None


def decode_text(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def parse_json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno})"
        ) from None


def lines(data: bytes) -> list[tuple[int, str, bool]]:
    """(1-based line number, text, is UTF-8) of the non-blank lines; a line that is not
    UTF-8 comes with U+FFFD in place of the bad bytes, for the report.

    Split on "\\n" only: str.splitlines would also split on U+2028 and friends, which
    chat messages do contain.
    """
    out: list[tuple[int, str, bool]] = []
    data = data.removeprefix(b"\xef\xbb\xbf")
    for number, chunk in enumerate(data.split(b"\n"), start=1):
        line = chunk.removesuffix(b"\r")
        if not line.strip():
            continue
        try:
            out.append((number, line.decode("utf-8"), True))
        except UnicodeDecodeError:
            out.append((number, line.decode("utf-8", errors="replace"), False))
    return out


def json_lines(data: bytes, path: Path) -> list[Record]:
    """One record per non-blank line of a JSONL file; lines that are not JSON are marked."""
    records = []
    for number, line, utf8 in lines(data):
        where = f"{path.name}:{number}"
        if not utf8:
            records.append(Record(where, line, "not UTF-8 text"))
            continue
        try:
            records.append(Record(where, json.loads(line)))
        except json.JSONDecodeError as exc:
            records.append(Record(where, line, f"not valid JSON ({exc.msg}, column {exc.colno})"))
    return records


def list_records(items: list[Any], path: Path, prefix: str = "") -> list[Record]:
    """One record per item of a JSON list, named by its 1-based index."""
    return [Record(f"{path.name}: {prefix}record {i}", item) for i, item in enumerate(items, 1)]


def user_key(*, login: object = None, user_id: object = None, name: object = None) -> str | None:
    """The stable identity of a chatter: the login, else the platform id, else the
    lower-cased display name; None when there is none of them."""
    for value, lower in ((login, True), (user_id, False), (name, True)):
        if isinstance(value, str) and value.strip():
            return value.strip().lower() if lower else value.strip()
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None
