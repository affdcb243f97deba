"""Texts of the admin commands (``/stats``, ``/reload``), as Telegram HTML."""

from __future__ import annotations

import html
import re

from bot.storage.base import Stats
from bot.storage.report import cluster
from bot.telegram.render import Chunk, render_text

_TOP = 5
_WIDTH = 80


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return html.escape(flat if len(flat) <= _WIDTH else flat[: _WIDTH - 1] + "…", quote=False)


def stats_message(stats: Stats, unanswered: list[tuple[str, int]] | None,
                  retention_days: int) -> str:
    """The ``/stats`` text: volumes, answered share, top intents, inbox health and the top
    unanswered questions (``None``: counts only, for groups, where others would read them)."""
    lines = [
        f"<b>Statistics</b> (last {retention_days} days)",
        f"Messages: {stats.messages}",
        f"Answered: {stats.answered_share:.0%} ({stats.answered} of {stats.messages})",
        f"Feedback: 👍 {stats.feedback_up} · 👎 {stats.feedback_down}",
        f"Updates failed: {stats.failed_updates} · waiting: {stats.pending_updates}"
        + (" (career-bot inbox lists them)" if stats.failed_updates else ""),
        "",
        "<b>Top intents</b>",
    ]
    lines += [f"• {html.escape(i, quote=False)}: {n}" for i, n in stats.top_intents] or ["• none"]
    lines += ["", "<b>Top unanswered</b>"]
    if unanswered is None:
        lines.append("• send /stats in a private chat to see them")
        return "\n".join(lines)
    groups = cluster(unanswered)[:_TOP]
    lines += [f"• {g.count} × {_short(g.text)}" for g in groups] or ["• none"]
    return "\n".join(lines)


def as_plain(html_text: str) -> str:
    """The same text without tags, for when Telegram refuses the HTML."""
    return html.unescape(re.sub(r"</?[a-z]+>", "", html_text))


def reload_failed(errors: str) -> list[Chunk]:
    """Tell the admin the reload failed, listing the problems, as escaped plain text."""
    shown = errors.strip().splitlines()
    body = "\n".join(shown[:40]) + (f"\n… and {len(shown) - 40} more" if len(shown) > 40 else "")
    text = "Reload failed; I keep answering from the knowledge base loaded before.\n\n" + body
    return render_text(text)
