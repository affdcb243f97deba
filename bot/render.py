"""Render a Reply as plain text (terminal chat and the JSON Lines protocol)."""

from __future__ import annotations

from bot.reply import Reply


def render_plain(reply: Reply) -> str:
    """Sections separated by blank lines; titles shown only when several questions are answered."""
    blocks: list[str] = []
    several = len(reply.sections) > 1
    for section in reply.sections:
        parts = []
        if several and section.title:
            parts.append(section.title.upper())
        parts.append(section.body.strip())
        if section.source:
            parts.append(section.source)
        blocks.append("\n".join(parts))
    return "\n\n".join(blocks)
