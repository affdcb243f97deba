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
        # Per first word, the lengths of the variants it starts, longest first: a word is
        # tried only at the lengths some variant has (the rewrite runs on every pattern at load
        # and every message), with the same result as trying every length down from the
        # longest.
        lengths: dict[str, set[int]] = {}
        for key in self._table:
            lengths.setdefault(key[0], set()).add(len(key))
        self._lengths = {word: tuple(sorted(ns, reverse=True)) for word, ns in lengths.items()}

    @property
    def words(self) -> set[str]:
        """Every word that appears in a variant or a canonical form."""
        return {w for pair in self._table.items() for phrase in pair for w in phrase}

    def rewrite(self, words: Sequence[str]) -> list[str]:
        """Replace variants by their canonical form, longest phrase first, left to right."""
        lengths = self._lengths
        if lengths.keys().isdisjoint(words):
            return list(words)  # nothing to rewrite: most patterns and messages (a C-level test)
        table = self._table
        out: list[str] = []
        i = 0
        size = len(words)
        while i < size:
            options = lengths.get(words[i])
            if options is not None:
                for n in options:
                    if n <= size - i:
                        target = table.get(tuple(words[i : i + n]))
                        if target is not None:
                            out += target
                            i += n
                            break
                else:
                    out.append(words[i])
                    i += 1
            else:
                out.append(words[i])
                i += 1
        return out
