"""Settings: read once from the environment over .env; secrets never show; bad values explain."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings

TOKEN = "123456789:AAHk2x9vQf8LwZp3RtYbN7mCdEe5GhJsKuX"


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nDATA_DIR=from-file\nADMIN_IDS='1, 2'\n"
                      f"export TELEGRAM_BOT_TOKEN=\"{TOKEN}\"\n", encoding="utf-8")
    settings = Settings.load({"DATA_DIR": "from-env"}, dotenv)
    assert settings.data_dir == Path("from-env")
    assert settings.admin_ids == frozenset({1, 2})
    assert settings.require_token() == TOKEN


def test_the_token_never_appears_in_reprs_or_errors() -> None:
    settings = Settings.load({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_SECRET_TOKEN": "s3cr3t-value"},
                             None)
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)
    assert "s3cr3t-value" not in repr(settings)
    bad = Settings.load({"TELEGRAM_BOT_TOKEN": TOKEN[:-20]}, None)
    with pytest.raises(ConfigError) as caught:
        bad.require_token()
    assert TOKEN[:-20] not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_token_is_a_one_line_instruction() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set: get a token from"):
        Settings.load({}, None).require_token()


@pytest.mark.parametrize("env,needle", [
    ({"ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
    ({"FLOOD_MAX_MESSAGES": "many"}, "FLOOD_MAX_MESSAGES"),
    ({"WEBHOOK_ENABLED": "perhaps"}, "WEBHOOK_ENABLED"),
])
def test_malformed_values_name_the_setting(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        Settings.load(env, None)


def test_command_line_overrides_win(tmp_path: Path) -> None:
    settings = Settings.load({"CAREERBOT_KNOWLEDGE_DIR": "env-dir"}, None,
                             knowledge_dir=tmp_path, intents_dir=None)
    assert settings.knowledge_dir == tmp_path
