"""Render a channel-neutral Reply as Telegram HTML messages of at most 4,096 characters."""

from __future__ import annotations

import html
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


def _cut(text: str, limit: int) -> list[str]:
    """Split an over-long paragraph at line breaks, else spaces, else anywhere."""
    pieces: list[str] = []
    rest = text
    while text_length(rest) > limit:
        window = rest[:limit]
        # Surrogate pairs make a UTF-16 window shorter in characters; shrink until it fits.
        while text_length(window) > limit:
            window = window[:-1]
        cut = max(window.rfind("\n"), window.rfind(" "))
        if cut <= limit // 2:
            cut = len(window)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _chunks(blocks: list[_Block], limit: int) -> list[Chunk]:
    fitted = [
        _Block(piece, block.style) for block in blocks for piece in _cut(block.text, limit)
    ]
    chunks: list[Chunk] = []
    current: list[_Block] = []
    size = 0
    for block in fitted:
        extra = text_length(block.text) + (2 if current else 0)  # "\n\n" between blocks
        if current and size + extra > limit:
            chunks.append(_join(current))
            current, size = [], 0
            extra = text_length(block.text)
        current.append(block)
        size += extra
    if current:
        chunks.append(_join(current))
    return chunks


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
