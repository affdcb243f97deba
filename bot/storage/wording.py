"""How stored questions are compared: the same wording up to case, accents and punctuation."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _NON_WORD.sub(" ", folded)).strip()
