"""Every size limit the bot enforces, in one place (Telegram's, and the bot's own)."""

from __future__ import annotations

TELEGRAM_MESSAGE_CHARS = 4096  # Telegram's limit for one message's text
TELEGRAM_CALLBACK_BYTES = 64  # Telegram's limit for a button's callback_data
BUTTON_LABEL_CHARS = 48  # longer labels are cut; Telegram truncates them on screen anyway
MAX_TITLE_CHARS = 40  # topic and entry titles become button labels
# An answer leaves room for its title and source line in one Telegram message.
MAX_ANSWER_CHARS = TELEGRAM_MESSAGE_CHARS - 200
TYPICAL_ANSWER_CHARS = 600  # `career-bot check` warns about answers longer than this
MESSAGE_CHARS = 500  # a user's message is read up to here (three questions fit easily)
MAX_QUESTIONS = 3  # questions answered from one message
MAX_CLAUSES = 6  # sentences read per message, and clauses per sentence (bounds the work)
MAX_WORD_CHARS = 30  # longer "words" are noise ("aaaa…"): they are cut to this length
