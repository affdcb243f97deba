"""Keep secrets (the bot token, the webhook secret) out of every log record."""

from __future__ import annotations

import logging
import threading

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False
MASK = "[REDACTED]"


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``[REDACTED]``."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def install(*secrets: str) -> None:
    """Register ``secrets`` and redact them from all log records, whoever logs them.

    A log record factory sees every record before any handler (including ones added later, such
    as pytest's), so no formatter can print the token from a message, an argument or a
    traceback (PTB and httpx exceptions may carry the request URL, which holds the token).
    """
    global _installed
    with _lock:
        _secrets.update(s for s in secrets if len(s) >= 8)
        if _installed:
            return
        _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if _secrets:
            _scrub(record)
        return record

    logging.setLogRecordFactory(factory)
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep the template only
        message = str(record.msg)
    record.msg = redact(message)
    record.args = None
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        # Formatters re-render exc_info when exc_text is empty; keep only the redacted text.
        record.exc_info = None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
