"""`career-bot run`: start the Telegram bot with long polling or a webhook."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO
from urllib.parse import urlsplit

from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.config import DEFAULT_API_BASE_URL, ConfigError, Settings
from bot.errors import DataError
from bot.storage import StorageError, explain, open_storage
from bot.storage.sentlog import SENT_LOG_FILE, SentLog
from bot.telegram import redact
from bot.telegram.app import ALLOWED_UPDATES, App, build_application
from bot.telegram.inbox import describe
from bot.telegram.persistence import ChatStore
from bot.telegram.ports import EngineLike

_LOG = logging.getLogger(__name__)
_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


@dataclass(frozen=True)
class WebhookPlan:
    url: str
    path: str
    listen: str
    port: int
    secret: str


def webhook_plan(settings: Settings) -> WebhookPlan:
    """Check the webhook settings; raise a one-line ConfigError when they cannot work."""
    url = settings.webhook_url.strip()
    if not url:
        raise ConfigError("WEBHOOK_URL is not set: give the public https:// address of the bot")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise ConfigError("WEBHOOK_URL must be an https:// address (Telegram requires HTTPS)")
    if not 0 < settings.webhook_port < 65536:
        raise ConfigError(f"WEBHOOK_PORT must be 1-65535, got {settings.webhook_port}")
    secret = settings.webhook_secret.get()
    if not secret:
        # A fresh random secret each start still authenticates Telegram: setWebhook sends it.
        secret = secrets.token_urlsafe(32)
        _LOG.info("WEBHOOK_SECRET_TOKEN not set; using a random secret for this run")
    elif not _SECRET_SHAPE.match(secret):
        raise ConfigError("WEBHOOK_SECRET_TOKEN may only use A-Z a-z 0-9 _ - (1-256 characters)")
    return WebhookPlan(url, parts.path.strip("/"), settings.webhook_listen,
                       settings.webhook_port, secret)


# python-telegram-bot logs a failed start twice with tracebacks before raising: its retry loop
# giving up ("Network Retry Loop (Bootstrap Initialize Application): ... Aborting") and a
# reply it cannot parse ("Can not load invalid JSON data"). run() prints one line for the
# same failure, so those records go to the debug log.
_LIBRARY_NOISE = {
    "telegram.ext": "Network Retry Loop",
    "telegram.request.BaseRequest": "Can not load invalid JSON",
}


def _to_debug(record: logging.LogRecord) -> bool:
    prefix = _LIBRARY_NOISE.get(record.name)
    if prefix is not None and record.levelno > logging.DEBUG and (
            record.getMessage().startswith(prefix)):
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger().isEnabledFor(logging.DEBUG)
    return True


def setup_logging(settings: Settings, *secret_values: str) -> None:
    """Log to stderr at LOG_LEVEL, with the token and webhook secret redacted everywhere."""
    redact.install(*secret_values)
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger().setLevel(settings.log_level)
    for name in _LIBRARY_NOISE:
        library = logging.getLogger(name)
        if _to_debug not in library.filters:
            library.addFilter(_to_debug)


def _where(settings: Settings) -> str:
    """The Bot API server as the operator configured it (never with the token)."""
    parts = urlsplit(settings.telegram_api_base_url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _start_failure(error: BaseException, settings: Settings, started: bool) -> tuple[str, int]:
    """The one line and exit code for an exception that ended ``run_polling``/``run_webhook``.

    ``started``: whether getMe had succeeded (post_init ran) before it was raised.
    """
    where = _where(settings)
    custom = settings.telegram_api_base_url != DEFAULT_API_BASE_URL
    if isinstance(error, InvalidToken):
        hint = (f", or TELEGRAM_API_BASE_URL ({where}) is not a Bot API server"
                if custom else "")
        return f"Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped?{hint})", EXIT_CONFIG
    if isinstance(error, NetworkError):
        return (f"cannot reach the Telegram Bot API at {where} ({describe(error)}): check the "
                "network, a proxy (HTTPS_PROXY) and TELEGRAM_API_BASE_URL"), EXIT_FAILED
    if isinstance(error, TelegramError):
        return (f"Telegram refused to start the bot ({describe(error)}): check "
                "TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE_URL"), EXIT_FAILED
    if isinstance(error, StorageError):
        return str(error), EXIT_FAILED
    if not started:  # initialize() only calls getMe: its answer could not be read
        return (f"the server at TELEGRAM_API_BASE_URL ({where}) does not answer like the "
                f"Telegram Bot API (getMe: {describe(error)}): check the setting"), EXIT_FAILED
    return f"the bot could not start: {describe(error)}", EXIT_FAILED


def _fail(err: str, code: int, err_out: TextIO) -> int:
    print(f"career-bot: error: {redact.redact(err)}", file=err_out)
    return code


def _default_loader(settings: Settings) -> Callable[[], EngineLike]:
    def load() -> EngineLike:
        from bot.engine import Engine  # imported late: the engine is big and not always needed

        return Engine.load(settings.knowledge_dir, settings.intents_dir,
                           cache_dir=settings.cache_dir)

    return load


def _close_transports(app: App) -> None:
    """Close the HTTP transports and the event loop that run_polling/run_webhook left open.

    python-telegram-bot shuts the transports down only after a successful start, so a token
    Telegram rejects would otherwise leave open connections behind.
    """
    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:  # no loop was ever created: nothing to close
        return
    try:
        for transport in app.bot_data.get("transports", ()):
            loop.run_until_complete(transport.shutdown())
    finally:
        loop.close()


def run(
    settings: Settings,
    webhook: bool | None = None,
    *,
    load_engine: Callable[[], EngineLike] | None = None,
    on_ready: Callable[[App], object] | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the bot until SIGINT/SIGTERM (or ``app.stop_running()``); returns an exit code.

    0 after a clean stop, 2 for a missing or malformed setting (including a token Telegram
    rejects), 1 when the knowledge base is invalid or Telegram cannot be reached.
    ``load_engine`` and ``on_ready`` exist for tests and benchmarks.
    """
    err_out = err or sys.stderr
    use_webhook = settings.webhook_enabled if webhook is None else webhook
    try:
        token = settings.require_token()
        plan = webhook_plan(settings) if use_webhook else None
    except ConfigError as error:
        return _fail(str(error), EXIT_CONFIG, err_out)
    setup_logging(settings, token, *(plan.secret for plan in [plan] if plan))

    loader = load_engine or _default_loader(settings)
    try:
        engine = loader()
    except DataError as error:
        return _fail(f"the knowledge base is invalid:\n{error}", EXIT_FAILED, err_out)
    try:
        storage, ids = open_storage(settings.data_dir, settings.retention_days)
    except StorageError as error:
        return _fail(str(error), EXIT_FAILED, err_out)
    try:
        sent_log = SentLog(settings.data_dir / SENT_LOG_FILE)
    except OSError as error:
        storage.close()
        return _fail(explain(error, settings.data_dir / SENT_LOG_FILE), EXIT_FAILED, err_out)
    store = ChatStore(storage, ids, sent_log=sent_log)
    app = build_application(settings, token, engine, loader, store, on_ready)
    # Signal handlers can only be installed from the main thread (tests run us in another).
    in_main = threading.current_thread() is threading.main_thread()
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGABRT) if in_main else None
    try:
        if plan is not None:
            _LOG.info("starting with a webhook on %s:%d/%s", plan.listen, plan.port, plan.path)
            app.run_webhook(
                listen=plan.listen,
                port=plan.port,
                url_path=plan.path,
                webhook_url=plan.url,
                secret_token=plan.secret,
                allowed_updates=ALLOWED_UPDATES,
                stop_signals=signals,
                close_loop=False,
            )
        else:
            _LOG.info("starting with long polling")
            app.run_polling(allowed_updates=ALLOWED_UPDATES, stop_signals=signals,
                            close_loop=False)
    except Exception as error:  # every start-up failure: one line, the traceback at debug
        _LOG.debug("start-up failed", exc_info=error)
        line, code = _start_failure(error, settings, bool(app.bot_data.get("started")))
        return _fail(line, code, err_out)
    finally:
        _close_transports(app)
        store.close_now()  # no-op when post_shutdown already closed it
    fatal = app.bot_data.get("fatal")
    if fatal:
        return _fail(str(fatal), EXIT_CONFIG, err_out)
    _LOG.info("stopped")
    return EXIT_OK
