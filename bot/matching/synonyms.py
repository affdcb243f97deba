"""Synonym rewriting: variants (words or phrases) become their canonical word."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.matching.normalize import normalise, tokens


class SynonymRewriter:
    """Rewrites token lists so that patterns and messages use one word per meaning."""

    def __init__(self, synonyms: Mapping[str, Sequence[str]] | None = None) -> None:
        self._table: dict[tuple[str, ...], tuple[str, ...]] = {}
        for canonical, variants in (synonyms or {}).items():
            target = tuple(tokens(normalise(canonical)))
            if not target:
                continue
            for variant in variants:
                source = tuple(tokens(normalise(variant)))
                if source and source != target:
                    self._table[source] = target
        self._longest = max((len(k) for k in self._table), default=0)
        self._first_words = {k[0] for k in self._table}

    @property
    def words(self) -> set[str]:
        """Every word that appears in a variant or a canonical form."""
        return {w for pair in self._table.items() for phrase in pair for w in phrase}

    def rewrite(self, words: Sequence[str]) -> list[str]:
        """Replace variants by their canonical form, longest phrase first, left to right."""
        if not self._table or self._first_words.isdisjoint(words):
            return list(words)  # nothing to rewrite: most patterns and messages (a C-level test)
        out: list[str] = []
        i = 0
        while i < len(words):
            if words[i] in self._first_words:
                for n in range(min(self._longest, len(words) - i), 0, -1):
                    target = self._table.get(tuple(words[i : i + n]))
                    if target is not None:
                        out.extend(target)
                        i += n
                        break
                else:
                    out.append(words[i])
                    i += 1
            else:
                out.append(words[i])
                i += 1
        return out
