"""A toy tokenizer, tagger and parser for the MNLI and SNLI ``*_parse`` columns.

The parses are rough (a small lexicon and a flat tree); they only need the upstream format.
"""

from __future__ import annotations

import re

from caches.demo.pools import ACTIONS, DAYS, PEOPLE, RIVERS, TOWNS


# A small part-of-speech lexicon for the simplified MNLI parse columns.
_POS = {w: "DT" for w in ["a", "an", "the", "some", "all", "any"]}
_POS.update({w: "IN" for w in ["in", "on", "at", "for", "with", "about", "of", "from",
                               "by", "after"]})
_POS.update({w: "PRP" for w in ["he", "she", "him", "someone", "nobody"]})
_POS.update({w: "RB" for w in ["not", "never", "again", "abroad", "far"]})
_POS.update({w: "JJ" for w in ["large", "red", "wooden", "old", "broken", "blue", "long",
                               "small", "first", "asleep", "comic", "wild", "glass",
                               "northern", "eastern", "southern", "western"]})
_POS.update({"his": "PRP$", "her": "PRP$", ".": ".", ",": ",", "was": "VBD",
             "is": "VBZ", "has": "VBZ", "did": "VBD", "spent": "VBD", "known": "VBN",
             "founded": "VBN", "sells": "VBZ", "produced": "VBN", "best": "RBS"})
_PROPER = set(DAYS + TOWNS + RIVERS + ["River"] + [p[0] for p in PEOPLE])
_PAST = {a[1] for a in ACTIONS}
_PARTICIPLE = {a[2] for a in ACTIONS}
_BASE = {a[0] for a in ACTIONS}


def tokenize(sentence: str) -> list[str]:
    """Whitespace tokens with trailing punctuation split off (PTB-like)."""
    return re.findall(r"[\w'-]+|[.,?!]", sentence)


def _tag(tokens: list[str]) -> list[str]:
    """Rough Penn tags from the lexicon; the auxiliary before a verb picks its form."""
    tags, prev = [], ""
    for i, tok in enumerate(tokens):
        low = tok.lower()
        nxt = tokens[i + 1] if i + 1 < len(tokens) else "."
        if tok in _PROPER:
            tag = "NNP"
        elif low in _BASE and prev in ("did", "not", "to", "will"):
            tag = "VB"
        elif low in _PARTICIPLE and prev in ("has", "had", "never", "finally"):
            tag = "VBN"
        elif low in _PAST:
            tag = "VBD"
        elif low == "her" and not nxt[0].isalpha():
            tag = "PRP"  # object "her" (before punctuation), not the possessive
        elif low in _POS:
            tag = _POS[low]
        else:
            tag = "NNS" if low.endswith("s") and len(low) > 3 else "NN"
        tags.append(tag)
        prev = low
    return tags


def binary_parse(tokens: list[str]) -> str:
    """A right-branching bracketing in the MNLI ``*binary_parse`` format."""
    if len(tokens) == 1:
        return tokens[0]
    return f"( {tokens[0]} {binary_parse(tokens[1:])} )"


def parse(tokens: list[str]) -> str:
    """A flat constituency parse in the MNLI ``*parse`` format."""
    leaves = " ".join(f"({tag} {tok})" for tok, tag in zip(tokens, _tag(tokens)))
    return f"(ROOT (S {leaves}))"
