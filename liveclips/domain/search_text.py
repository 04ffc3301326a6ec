"""What a viewer types -> a query for Spanner's SEARCH(), with no operators left in it.

Spanner's query syntax has operators (OR, -, quotes, parentheses, AROUND); a viewer's
text must not be parsed as them (an unbalanced quote is an error, "-cat" excludes). So
the text is cut into the words TOKENIZE_FULLTEXT would make, lower-cased, and joined
with spaces: every word must match, anywhere in the clip's text.
"""

from __future__ import annotations

import re

MAX_TERMS = 16
_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(text: str) -> list[str]:
    """Distinct words in order (lower case keeps OR and AND from being operators)."""
    words = (w.lower() for w in _WORD.findall(text.replace("_", " ")))
    return list(dict.fromkeys(words))[:MAX_TERMS]


def search_query(terms: list[str]) -> str:
    return " ".join(terms)
