"""Dates of facts: machine-readable, rendered from the data, and checked for staleness."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.checks import run_checks
from bot.cli import main
from bot.engine import Engine
from bot.knowledge import DataDate
from bot.render import render_plain
from bot.state import ConversationState

CAREER = "careers/medical-coding-specialist.yaml"


@pytest.mark.parametrize("raw,text", [
    ("2024-05", "May 2024"), (2024, "2024"), ("2024", "2024"), ("2024/2034", "2024–34"),
    ("1999/2009", "1999–2009"),
])
def test_dates_are_read_and_written_in_words(raw: object, text: str) -> None:
    parsed = DataDate.parse(raw)
    assert parsed is not None and parsed.text == text


@pytest.mark.parametrize("raw", ["May 2024", "2024-13", "2034/2024", "", None, "probably 2024"])
def test_dates_that_are_not_machine_readable_are_refused(raw: object) -> None:
    assert DataDate.parse(raw) is None


def _set_first_fact(path: Path, as_of: str, extra: str = "") -> str:
    """Give the first fact a new date; return its id."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("facts:") + 1
    fact_id = lines[start].strip().rstrip(":")
    for i in range(start, len(lines)):
        if lines[i].strip().startswith("as_of:"):
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            lines[i] = f"{indent}as_of: {as_of}" + (f"\n{indent}{extra}" if extra else "")
            break
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return fact_id


def test_a_date_in_an_answer_comes_from_its_fact(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    path = knowledge / CAREER
    text = path.read_text(encoding="utf-8")
    fact_id = _set_first_fact(path, "2031-07")
    text = path.read_text(encoding="utf-8")
    marker = "  salary:\n    title: Pay\n    answer: |\n"
    assert marker in text
    path.write_text(text.replace(marker, marker + f"      Data from {{{fact_id}.as_of}}.\n", 1),
                    encoding="utf-8")
    engine = Engine.load(knowledge, intents)
    reply, _ = engine.select("topic:salary", ConversationState())
    answer = render_plain(reply)
    assert "Data from July 2031." in answer
    source = reply.sections[0].source
    assert source is not None and "July 2031" in source  # the source line, the same date


def test_stale_facts_are_warnings_and_errors_when_strict(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    fact_id = _set_first_fact(knowledge / CAREER, "2011-05")
    problems, warnings, _ = run_checks(knowledge, intents, today=date(2026, 12, 2))
    assert not any(fact_id in p.message for p in problems)
    stale = [w for w in warnings if f"fact '{fact_id}'" in w.message]
    assert len(stale) == 1 and "15 years old" in stale[0].message
    assert stale[0].path == knowledge / CAREER and stale[0].line > 1
    problems, _, _ = run_checks(knowledge, intents, strict=True, today=date(2026, 12, 2))
    assert any(f"fact '{fact_id}'" in p.message for p in problems)
    # A longer limit accepts it.
    _, warnings, _ = run_checks(knowledge, intents, stale_after=20, today=date(2026, 12, 2))
    assert not any(f"fact '{fact_id}'" in w.message for w in warnings)


def test_an_explained_old_fact_is_not_stale(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    fact_id = _set_first_fact(knowledge / CAREER, "2011-05",
                              "stale_reason: the newest figure any source gives")
    problems, warnings, _ = run_checks(knowledge, intents, strict=True,
                                       today=date(2026, 12, 2))
    assert not any(fact_id in p.message for p in problems + warnings)


def test_check_strict_exits_1_on_stale_data(data_copy: tuple[Path, Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    knowledge, intents = data_copy
    _set_first_fact(knowledge / CAREER, "1990")
    code = main(["--knowledge", str(knowledge), "--intents", str(intents), "check",
                 "--strict"])
    assert code == 1
    assert "years old" in capsys.readouterr().out


def test_unreadable_date_names_file_line_and_format(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    _set_first_fact(knowledge / CAREER, "last spring")
    problems, _, _ = run_checks(knowledge, intents)
    assert any(str(p).startswith(str(knowledge / CAREER)) and "2024-05" in p.message
               for p in problems)


def test_sources_command_shows_dates_and_when_checked(engine: Engine) -> None:
    text = render_plain(engine.sources())
    assert "data: May 2024" in text
    checked = [s for c in engine.knowledge.careers.values() for s in c.sources.values()
               if s.checked]
    for source in checked:
        assert f"checked {source.checked}" in text
