"""All settings, read in one place: command-line overrides, then the environment, then `.env`."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import CareerBotError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def _data_dir(name: str) -> Path:
    """The bundled ``knowledge`` or ``intents`` folder.

    An installed wheel carries both as package data, ``bot/data/NAME`` (pyproject.toml maps the
    top-level folders there), so the bot answers from any folder. A checkout or an editable
    install has no ``bot/data``: it reads the top-level folder itself, so edits count at once.
    """
    # The folder beside this module, which is what importlib.resources.files("bot") names for a
    # package on disk; importing importlib.resources cost ~10 ms of every start-up.
    packaged = Path(__file__).parent / "data" / name
    if packaged.is_dir():
        return packaged
    return PACKAGE_ROOT / name


DEFAULT_KNOWLEDGE_DIR = _data_dir("knowledge")
DEFAULT_INTENTS_DIR = _data_dir("intents")
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
_TOKEN_SHAPE = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")
_OFF = frozenset({"off", "none", "false", "0", "no"})  # CAREERBOT_CACHE_DIR values


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """Where the built engine is kept between starts (``bot.enginecache``), or None for
    nowhere: ``CAREERBOT_CACHE_DIR`` ("off" keeps none), else ``$XDG_CACHE_HOME/careerbot``,
    else ``~/.cache/careerbot``. A folder that cannot be written only means no cache."""
    env = os.environ if environ is None else environ
    raw = env.get("CAREERBOT_CACHE_DIR", "").strip()
    if raw.lower() in _OFF:
        return None
    if raw:
        return Path(raw).expanduser()
    base = env.get("XDG_CACHE_HOME", "").strip()
    if base:
        return Path(base) / "careerbot"
    try:
        return Path.home() / ".cache" / "careerbot"
    except (RuntimeError, KeyError):  # no home folder to find
        return None


class ConfigError(CareerBotError, ValueError):
    """A setting is missing or malformed; the message is one line and never holds a secret."""


class Secret:
    """A string that never shows itself in ``repr``/``str`` (logs, tracebacks, errors)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse a simple ``KEY=value`` file; comments and blank lines are skipped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def api_base_url(raw: str) -> str:
    """``TELEGRAM_API_BASE_URL`` as python-telegram-bot needs it: ``scheme://host[/path]/bot``.

    A trailing slash and a missing ``/bot`` suffix (``https://api.telegram.org``) are
    normalised; anything that is not an http(s) address is a ConfigError naming the setting.
    """
    url = raw.strip().rstrip("/")
    if not url:
        return DEFAULT_API_BASE_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            "TELEGRAM_API_BASE_URL must be an http(s):// address such as "
            f"{DEFAULT_API_BASE_URL}, got {raw.strip()!r}"
        )
    return url if url.endswith("/bot") else url + "/bot"


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{key} must be a whole number, got {raw!r}") from None


def _flag(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(key, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{key} must be true or false, got {raw!r}")


@dataclass(frozen=True)
class Settings:
    """Every setting the bot reads. See `.env.example` for what each one means."""

    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    intents_dir: Path = DEFAULT_INTENTS_DIR
    data_dir: Path = Path("data")
    telegram_token: Secret = field(default_factory=lambda: Secret(""))
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    admin_ids: frozenset[int] = frozenset()
    webhook_enabled: bool = False
    webhook_url: str = ""
    webhook_listen: str = "0.0.0.0"  # noqa: S104 - a webhook server must listen beyond loopback
    webhook_port: int = 8443
    webhook_secret: Secret = field(default_factory=lambda: Secret(""))
    # Flood control: FLOOD_BURST messages at once, then FLOOD_MAX_MESSAGES per
    # FLOOD_WINDOW_SECONDS; past that one notice, a pause of FLOOD_COOLDOWN_SECONDS, and a
    # message when the pause is over (README, Deploy).
    flood_burst: int = 10
    flood_max_messages: int = 30
    flood_window_seconds: int = 60
    flood_cooldown_seconds: int = 30
    retention_days: int = 90
    log_level: str = "INFO"
    # Outgoing Bot API requests per second for the whole bot (Telegram's limit is 30); 0 = off.
    telegram_rate_limit: int = 30
    # Updates handled at the same time, so one user's burst never delays the others.
    concurrent_updates: int = 64
    # Replies go out one at a time so a crash repeats at most one (see bot.telegram.inbox).
    one_send_at_a_time: bool = True
    # Where the built engine is kept between starts; None: nowhere (see default_cache_dir).
    cache_dir: Path | None = None

    @classmethod
    def load(
        cls,
        environ: Mapping[str, str] | None = None,
        dotenv: Path | None = Path(".env"),
        **overrides: object,
    ) -> Settings:
        """Build settings from ``environ`` (default ``os.environ``) over a ``.env`` file.

        Keyword ``overrides`` (from command-line flags) win over both when not None.
        """
        env: dict[str, str] = read_dotenv(dotenv) if dotenv else {}
        env.update(os.environ if environ is None else environ)
        admin_raw = env.get("ADMIN_IDS", "")
        try:
            admins = frozenset(int(x) for x in re.split(r"[,\s]+", admin_raw) if x)
        except ValueError:
            raise ConfigError("ADMIN_IDS must be Telegram user ids separated by commas") from None
        settings = cls(
            knowledge_dir=Path(env.get("CAREERBOT_KNOWLEDGE_DIR") or DEFAULT_KNOWLEDGE_DIR),
            intents_dir=Path(env.get("CAREERBOT_INTENTS_DIR") or DEFAULT_INTENTS_DIR),
            data_dir=Path(env.get("DATA_DIR") or "data"),
            telegram_token=Secret(env.get("TELEGRAM_BOT_TOKEN", "").strip()),
            telegram_api_base_url=api_base_url(env.get("TELEGRAM_API_BASE_URL", "")),
            admin_ids=admins,
            webhook_enabled=_flag(env, "WEBHOOK_ENABLED", False),
            webhook_url=env.get("WEBHOOK_URL", ""),
            webhook_listen=env.get("WEBHOOK_LISTEN") or "0.0.0.0",  # noqa: S104
            webhook_port=_int(env, "WEBHOOK_PORT", 8443),
            webhook_secret=Secret(env.get("WEBHOOK_SECRET_TOKEN", "")),
            flood_burst=_int(env, "FLOOD_BURST", cls.flood_burst),
            flood_max_messages=_int(env, "FLOOD_MAX_MESSAGES", cls.flood_max_messages),
            flood_window_seconds=_int(env, "FLOOD_WINDOW_SECONDS", cls.flood_window_seconds),
            flood_cooldown_seconds=_int(env, "FLOOD_COOLDOWN_SECONDS",
                                        cls.flood_cooldown_seconds),
            retention_days=_int(env, "RETENTION_DAYS", 90),
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            telegram_rate_limit=_int(env, "TELEGRAM_RATE_LIMIT", 30),
            concurrent_updates=_int(env, "CONCURRENT_UPDATES", 64),
            one_send_at_a_time=_flag(env, "SEND_ONE_AT_A_TIME", True),
            cache_dir=default_cache_dir(env),
        )
        changes = {k: v for k, v in overrides.items() if v is not None}
        if changes:
            from dataclasses import replace

            settings = replace(settings, **changes)  # type: ignore[arg-type]
        return settings

    def require_token(self) -> str:
        """Return the bot token, or raise a one-line ConfigError that never echoes it."""
        token = self.telegram_token.get()
        if not token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and put it in .env"
            )
        if not _TOKEN_SHAPE.match(token):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (expected 123456:ABC...)"
            )
        return token
