"""Split a Spanner DDL file into the statement list the admin API wants.

The API takes one statement per list item, without trailing semicolons or comments.
"""

from __future__ import annotations

_QUOTES = "'\"`"


def split_statements(text: str, *, postgresql: bool = False) -> list[str]:
    """Statements of `text`, comments removed; quoted text (incl. ';' and '--') kept."""
    statements: list[str] = []
    current: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _QUOTES:
            end = _string_end(text, i)
            current.append(text[i:end])
            i = end
        elif text.startswith("--", i) or (ch == "#" and not postgresql):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close < 0:
                raise ValueError(f"unterminated /* comment at offset {i}")
            current.append(" ")
            i = close + 2
        elif ch == ";":
            statements.append("".join(current))
            current = []
            i += 1
        else:
            current.append(ch)
            i += 1
    statements.append("".join(current))
    return [_tidy(s) for s in statements if s.strip()]


def _string_end(text: str, start: int) -> int:
    quote = text[start]
    triple = text.startswith(quote * 3, start)
    delim = quote * 3 if triple else quote
    i = start + len(delim)
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(delim, i):
            # '' inside a single-quoted string is an escaped quote, not the end.
            if not triple and text.startswith(quote * 2, i):
                i += 2
                continue
            return i + len(delim)
        i += 1
    raise ValueError(f"unterminated {delim} string starting at offset {start}")


def _tidy(statement: str) -> str:
    lines = [line.rstrip() for line in statement.strip().splitlines()]
    return "\n".join(line for line in lines if line.strip())
