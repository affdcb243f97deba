"""Render a channel-neutral Reply as Telegram HTML messages of at most 4,096 characters."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from enum import Enum

from bot.reply import Reply

# Telegram counts a message's length after entity parsing, in UTF-16 code units.
MAX_MESSAGE = 4096


class Style(Enum):
    PLAIN = ""
    BOLD = "b"
    ITALIC = "i"


@dataclass(frozen=True, slots=True)
class Chunk:
    """One Telegram message: the HTML to send and the same text without formatting."""

    html: str
    plain: str


@dataclass(frozen=True, slots=True)
class _Block:
    text: str
    style: Style

    def as_html(self) -> str:
        escaped = html.escape(self.text, quote=False)
        tag = self.style.value
        return f"<{tag}>{escaped}</{tag}>" if tag else escaped


def text_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def unwrap(paragraph: str) -> str:
    """Join hard-wrapped lines (YAML block text) so phones reflow them; bullets keep theirs."""
    lines: list[str] = []
    for line in paragraph.strip("\n").splitlines():
        if lines and line.strip() and not line.lstrip().startswith(("•", "-", "*")):
            lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
        else:
            lines.append(line.rstrip())
    return "\n".join(lines)


def _blocks(reply: Reply) -> list[_Block]:
    blocks: list[_Block] = []
    for section in reply.sections:
        if section.title:
            blocks.append(_Block(section.title.strip(), Style.BOLD))
        for paragraph in section.body.split("\n\n"):
            if paragraph.strip():
                blocks.append(_Block(unwrap(paragraph), Style.PLAIN))
        if section.source:
            blocks.append(_Block(section.source.strip(), Style.ITALIC))
    return blocks


class _Break(Enum):
    """Where a piece starts, from the best place to end a message before it to the worst."""

    PARAGRAPH = ("\n\n", 0)
    LINE = ("\n", 1)
    SENTENCE = (" ", 4)
    WORD = (" ", 20)
    ANYWHERE = ("", 40)

    def __init__(self, joiner: str, cost: int) -> None:
        self.joiner = joiner
        self.cost = cost


@dataclass(frozen=True, slots=True)
class _Piece:
    """A run of text that is never split, and how it joins the piece before it."""

    text: str
    style: Style
    start: _Break
    keep_with_next: bool = False  # a title or an introduction ending in ":"

    def as_html(self) -> str:
        return _Block(self.text, self.style).as_html()


# A sentence ends at . ! ? (maybe closed by a quote or bracket) before a capital, digit,
# bracket, quote or bullet; "U.S." and "e.g." are not sentence ends.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]?\s+(?=[A-Z0-9\"“(\[•])")
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:(?:[A-Za-z]\.){2,}|e\.g\.|i\.e\.|etc\.|vs\.|[A-Z][a-z]?\.)$")
_FRAGMENT_COST = 30  # a message of one line, or a sliver, beside longer ones
_ORPHAN_COST = 50  # a title or an introduction at the end of a message, its text in the next


def _sentences(line: str) -> list[str]:
    sentences: list[str] = []
    begin = 0
    for match in _SENTENCE_END.finditer(line):
        head = line[begin:match.start()]
        if _ABBREVIATION.search(head.rstrip("\"'”’)]")):
            continue
        sentences.append(line[begin:match.end()].rstrip())
        begin = match.end()
    sentences.append(line[begin:])
    return [s for s in sentences if s.strip()]


def _hard_cut(text: str, limit: int) -> list[str]:
    """Cut a word longer than ``limit`` anywhere (surrogate pairs count as two)."""
    pieces: list[str] = []
    rest = text
    while text_length(rest) > limit:
        window = rest[:limit]
        while text_length(window) > limit:
            window = window[:-1]
        pieces.append(window)
        rest = rest[len(window):]
    if rest:
        pieces.append(rest)
    return pieces


def _words(sentence: str, limit: int) -> list[tuple[str, _Break]]:
    """A sentence longer than ``limit``: at spaces, as few pieces as fit, else anywhere."""
    pieces: list[tuple[str, _Break]] = []
    current = ""
    for word in sentence.split(" "):
        if current and text_length(current) + 1 + text_length(word) <= limit:
            current += " " + word
            continue
        if current:
            pieces.append((current, _Break.WORD))
        cuts = _hard_cut(word, limit) or [""]
        pieces += [(cut, _Break.ANYWHERE) for cut in cuts[:-1]]
        current = cuts[-1]
    if current:
        pieces.append((current, _Break.WORD))
    return pieces


def _pieces(blocks: list[_Block], limit: int) -> list[_Piece]:
    """Every place a message may end: paragraphs, lines, sentences (words only if needed)."""
    pieces: list[_Piece] = []
    for block in blocks:
        for line_no, line in enumerate(block.text.split("\n")):
            for sentence_no, sentence in enumerate(_sentences(line) or [line]):
                if sentence_no:
                    start = _Break.SENTENCE
                else:
                    start = _Break.LINE if line_no else _Break.PARAGRAPH
                split = (_words(sentence, limit) if text_length(sentence) > limit
                         else [(sentence, _Break.WORD)])
                for index, (text, kind) in enumerate(split):
                    pieces.append(_Piece(text, block.style, kind if index else start))
        if pieces and (block.style is Style.BOLD or block.text.rstrip().endswith(":")):
            last = pieces[-1]
            pieces[-1] = _Piece(last.text, last.style, last.start, keep_with_next=True)
    return pieces


def _chunks(blocks: list[_Block], limit: int) -> list[Chunk]:
    """The fewest messages within ``limit``, cut where it reads best.

    Among the splits with the fewest messages, the one that ends messages at paragraphs
    rather than lines, at lines rather than sentences, never leaves a one-line message or a
    sliver beside longer ones, and never leaves a title or an introduction ("…:") at the end
    of a message whose text follows in the next one.
    """
    if not blocks:
        return []
    if sum(text_length(b.text) for b in blocks) + 2 * (len(blocks) - 1) <= limit:
        return [_join(blocks)]
    pieces = _pieces(blocks, limit)
    count = len(pieces)
    sizes = [0]  # sizes[k]: the pieces before k with the joiners between them
    lines = [0]  # lines[k]: line breaks inside the pieces before k and between them
    for index, piece in enumerate(pieces):
        joiner = piece.start.joiner if index else ""
        sizes.append(sizes[-1] + text_length(piece.text) + text_length(joiner))
        lines.append(lines[-1] + int("\n" in joiner) + piece.text.count("\n"))
    # best[j]: (messages, cost, where the last message starts) for the first j pieces
    best: list[tuple[int, int, int]] = [(0, 0, 0)] + [(count + 1, 0, 0)] * count
    for end in range(1, count + 1):
        for begin in range(end - 1, -1, -1):
            gap = text_length(pieces[begin].start.joiner) if begin else 0
            size = sizes[end] - sizes[begin] - gap
            if size > limit and begin < end - 1:
                break
            cost = pieces[begin].start.cost if begin else 0
            one_line = lines[end] - lines[begin + 1] == 0 and "\n" not in pieces[begin].text
            if count > 1 and (one_line or size < limit // 10) and not (begin == 0
                                                                       and end == count):
                cost += _FRAGMENT_COST
            if end < count and pieces[end - 1].keep_with_next:
                cost += _ORPHAN_COST
            messages, total, _ = best[begin]
            candidate = (messages + 1, total + cost, begin)
            if candidate[:2] < best[end][:2]:
                best[end] = candidate
    cuts: list[int] = []
    end = count
    while end > 0:
        cuts.append(end)
        end = best[end][2]
    chunks: list[Chunk] = []
    begin = 0
    for end in reversed(cuts):
        chunks.append(_join_pieces(pieces[begin:end]))
        begin = end
    return chunks


def _join_pieces(pieces: list[_Piece]) -> Chunk:
    html_parts: list[str] = []
    plain_parts: list[str] = []
    for index, piece in enumerate(pieces):
        joiner = piece.start.joiner if index else ""
        html_parts += [joiner, piece.as_html()]
        plain_parts += [joiner, piece.text]
    return Chunk(html="".join(html_parts), plain="".join(plain_parts))


def _join(blocks: list[_Block]) -> Chunk:
    return Chunk(
        html="\n\n".join(b.as_html() for b in blocks),
        plain="\n\n".join(b.text for b in blocks),
    )


def render(reply: Reply, limit: int = MAX_MESSAGE) -> list[Chunk]:
    """The messages for ``reply``: bold titles, escaped bodies, italic source lines."""
    chunks = _chunks(_blocks(reply), limit)
    return chunks or [Chunk(html="…", plain="…")]


def render_text(text: str, limit: int = MAX_MESSAGE) -> list[Chunk]:
    """Plain text (e.g. an error list) as escaped messages within the length limit."""
    blocks = [_Block(p, Style.PLAIN) for p in text.split("\n\n") if p.strip()]
    return _chunks(blocks, limit) or [Chunk(html="…", plain="…")]
