"""`career-bot check` and Engine.load: broken data is refused with file, line and a fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.checks import run_checks
from bot.cli import main
from bot.engine import Engine
from bot.errors import DataError

CAREER = "careers/medical-coding-specialist.yaml"


def _problems(knowledge: Path, intents: Path) -> list[str]:
    problems, _, _ = run_checks(knowledge, intents)
    return [str(p) for p in problems]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_shipped_data_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("ok:")


def test_malformed_yaml_names_file_and_line(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    path = knowledge / "schools.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nbroken: [unclosed\n", encoding="utf-8")
    problems = _problems(knowledge, intents)
    assert len(problems) == 1
    assert re.match(rf"{re.escape(str(path))}:\d+: malformed YAML", problems[0])


def test_a_place_word_without_its_synonym_group_is_refused(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    path = intents / "vocabulary.yaml"
    _edit(path, "place_word: state", "place_word: county")
    line = _line_of(path, "place_word: county")
    assert _problems(knowledge, intents) == [
        f"{path}:{line}: place_word must be the canonical word of a synonym group that lists "
        "the places, e.g. 'state'"]


def test_duplicate_key_is_reported_with_both_lines(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    path = knowledge / "conversation.yaml"
    first = _line_of(path, "  thanks:")
    path.write_text(path.read_text(encoding="utf-8") + "\n  thanks:\n    text: again\n",
                    encoding="utf-8")
    problems = _problems(knowledge, intents)
    last = len(path.read_text(encoding="utf-8").splitlines()) - 1
    assert problems == [f"{path}:{last}: duplicate key 'thanks' (first on line {first}): "
                        "merge the two entries or rename one"]


def test_missing_topic_is_reported(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    path = knowledge / CAREER
    _edit(path, "  licensure:", "  licensing_rules:")
    problems = _problems(knowledge, intents)
    # Other topics still link to it: each link is reported with its line and the valid ids.
    assert any(p.startswith(str(path)) and "related topic 'licensure' does not exist" in p
               for p in problems), problems


def test_topic_without_patterns_and_intent_without_topic(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    path = knowledge / CAREER
    text = path.read_text(encoding="utf-8").replace("licensure", "licensing_rules")
    path.write_text(text, encoding="utf-8")
    problems = _problems(knowledge, intents)
    assert any("topic 'licensing_rules' of career 'medical_coding_specialist' has no patterns"
               in p for p in problems), problems
    assert any("topics.yaml" in p and "intent 'licensure' has no answer" in p
               for p in problems), problems


def test_figure_without_source_is_refused(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    path = knowledge / CAREER
    line = _line_of(path, "  salary:")
    text = path.read_text(encoding="utf-8").splitlines()
    # Put a bare dollar figure at the start of the salary answer.
    answer_line = next(i for i in range(line, len(text)) if "answer: |" in text[i])
    text.insert(answer_line + 1, text[answer_line + 1][: len(text[answer_line + 1])
                - len(text[answer_line + 1].lstrip())] + "Coders make $99,999 a year.")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    problems = _problems(knowledge, intents)
    assert any("topic 'salary'" in p and "has no source" in p for p in problems), problems
    assert all(p.startswith(f"{path}:") for p in problems)


def test_fact_without_date_is_refused(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    path = knowledge / CAREER
    text = path.read_text(encoding="utf-8")
    first_as_of = re.search(r"\n(\s+)as_of: .*\n", text)
    assert first_as_of is not None
    path.write_text(text[: first_as_of.start()] + "\n" + text[first_as_of.end():],
                    encoding="utf-8")
    problems = _problems(knowledge, intents)
    assert any("'as_of' must be the date of the data" in p for p in problems), problems


def test_unknown_placeholder_is_refused(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    path = knowledge / "careers/medical-coding-specialist.yaml"
    _edit(path, "{", "{no_such_fact} {")
    assert any("'{no_such_fact}' is not a fact" in p for p in _problems(knowledge, intents))


def _add_pattern(intents: Path, intent: str, pattern: str) -> None:
    """Add ``pattern`` to ``intent`` in whichever intents file defines it."""
    for path in sorted(intents.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if intent in (data.get("intents") or {}):
            data["intents"][intent]["patterns"].append(pattern)
            path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
            return
    raise AssertionError(f"intent {intent} not found")


def test_same_pattern_in_two_intents_is_refused(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    _add_pattern(intents, "greeting", "how long is the coding exam")
    _add_pattern(intents, "certification", "how long is the coding exam")
    problems = _problems(knowledge, intents)
    assert any("'how long is the coding exam' is also in" in p for p in problems), problems


def test_colliding_patterns_name_the_pair_and_score(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    _add_pattern(intents, "thanks", "how much money does a medical coder make each year")
    _add_pattern(intents, "salary", "how much money does a medical coder make every year")
    problems = _problems(knowledge, intents)
    collision = [p for p in problems if "collides" in p]
    assert len(collision) == 1, problems
    assert "(chat:thanks" in collision[0] and "(topic:salary" in collision[0]
    assert re.search(r"similarity (9\d|100)", collision[0])


def test_intent_without_an_answer_is_refused(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    (intents / "extra.yaml").write_text("intents:\n  weather:\n    patterns: [is it raining]\n",
                                        encoding="utf-8")
    problems = _problems(knowledge, intents)
    assert any("extra.yaml:2: intent 'weather' has no answer" in p for p in problems), problems


def test_intent_without_patterns_or_defined_twice_is_refused(
    data_copy: tuple[Path, Path]
) -> None:
    knowledge, intents = data_copy
    (intents / "extra.yaml").write_text("intents:\n  salary:\n    patterns: []\n",
                                        encoding="utf-8")
    problems = _problems(knowledge, intents)
    assert any("extra.yaml:2: intent 'salary' has no patterns" in p for p in problems), problems
    assert any("intent 'salary' is defined twice (also extra.yaml:2)" in p for p in problems)


def test_bot_refuses_to_start_on_bad_data(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    (knowledge / "schools.yaml").write_text("schools: not a list\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        Engine.load(knowledge, intents)
    assert all(str(p).startswith(str(knowledge)) for p in caught.value.problems)


def test_check_command_exits_1_with_one_line_per_problem(
    data_copy: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    knowledge, intents = data_copy
    (knowledge / "conversation.yaml").write_text("greeting: hi\n", encoding="utf-8")
    code = main(["--knowledge", str(knowledge), "--intents", str(intents), "check"])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    assert out and all(re.match(r".+conversation\.yaml:\d+: (missing|reply) '\w+", ln)
                       for ln in out)


def test_entry_that_is_not_a_mapping_says_what_it_should_hold(
    data_copy: tuple[Path, Path]
) -> None:
    knowledge, intents = data_copy
    path = knowledge / CAREER
    _edit(path, "\nfacts:\n", "\nfacts:\n  broken_fact: 5\n")
    line = _line_of(path, "broken_fact")
    assert any(p.startswith(f"{path}:{line}: 'broken_fact' under 'facts' must be a mapping "
                            "with value, source and as_of, not the number 5")
               for p in _problems(knowledge, intents))


def test_entries_are_validated_like_topics(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    path = knowledge / CAREER
    _edit(path, "    entries:\n", "    entries:\n      no_patterns:\n        title: Nothing\n"
                                  "        answer: An answer nobody can reach.\n", )
    problems = _problems(knowledge, intents)
    line = _line_of(path, "no_patterns:")
    assert any(p.startswith(f"{path}:{line}") and "missing 'patterns:'" in p
               for p in problems), problems


def test_entry_patterns_that_collide_across_topics_are_reported(
    data_copy: tuple[Path, Path]
) -> None:
    knowledge, intents = data_copy
    path = knowledge / CAREER
    _add_pattern(intents, "licensure", "how much does the cpc exam cost altogether")
    text = path.read_text(encoding="utf-8")
    marker = "        patterns:\n"
    assert marker in text
    path.write_text(text.replace(marker, marker + "          - how much does the cpc exam "
                                 "costs altogether\n", 1), encoding="utf-8")
    collision = [p for p in _problems(knowledge, intents) if "collides" in p]
    assert len(collision) == 1 and "topic:licensure" in collision[0], collision


def test_an_entry_id_used_twice_is_refused(data_copy: tuple[Path, Path]) -> None:
    knowledge, intents = data_copy
    path = knowledge / CAREER
    text = path.read_text(encoding="utf-8")
    first = text.index("    entries:\n") + len("    entries:\n")
    second = text.index("    entries:\n", first) + len("    entries:\n")
    entry_id = text[first:].split(":", 1)[0].strip()
    block = f"      {entry_id}:\n        title: Again\n        patterns: [ask again]\n" \
            "        answer: Again.\n"
    path.write_text(text[:second] + block + text[second:], encoding="utf-8")
    problems = _problems(knowledge, intents)
    assert any(f"entry id '{entry_id}' is also used" in p for p in problems), problems


def test_a_topics_value_of_the_wrong_type_is_a_problem_not_a_crash(
    data_copy: tuple[Path, Path]
) -> None:
    knowledge, intents = data_copy
    path = knowledge / CAREER
    text = path.read_text(encoding="utf-8")
    start = text.index("\ntopics:\n")
    path.write_text(text[:start] + "\ntopics: 5\n", encoding="utf-8")
    problems = _problems(knowledge, intents)
    line = _line_of(path, "topics: 5")
    assert any(p.startswith(f"{path}:{line}: 'topics' must be a mapping") for p in problems), \
        problems
