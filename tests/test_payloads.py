"""Button payloads: what the bot issues parses back; anything else is refused."""

from __future__ import annotations

import pytest

from bot import payloads


def test_issued_payloads_parse_back() -> None:
    assert payloads.parse(payloads.topic("salary")) == payloads.Payload("topic", ("salary",))
    assert payloads.parse(payloads.entry("insurance")) == payloads.Payload("entry",
                                                                           ("insurance",))
    assert payloads.parse(payloads.schools(None)) == payloads.Payload("schools", ("all",))
    vote = payloads.parse(payloads.vote(False, ["salary", "education"]))
    assert vote is not None
    assert payloads.voted(vote) == ("salary", "education")
    assert not payloads.helpful(vote)


@pytest.mark.parametrize("forged", [
    "", "topic", "topic:", "topic:<script>", "topic:a:b", "vote:2:salary", "vote:1",
    "vote:1:a:b:c:d", "wipe:everything", "topic:SALARY", "schools:" + "x" * 60,
    "intent:help;drop",
])
def test_forged_or_malformed_payloads_are_refused(forged: str) -> None:
    assert payloads.parse(forged) is None


def test_engine_knows_which_payloads_it_issued(engine) -> None:
    assert engine.issued("topic:salary")
    assert engine.issued("schools:associate")
    assert engine.issued("vote:1:salary:education")
    assert not engine.issued("topic:astrology")
    assert not engine.issued("vote:1:script")
    assert not engine.issued("school:hogwarts")
