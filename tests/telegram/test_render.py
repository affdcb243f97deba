"""Telegram HTML rendering and splitting."""

from __future__ import annotations

from bot.reply import Reply, Section
from bot.telegram.render import MAX_MESSAGE, render, render_text, unwrap
from tests.telegram.telegram_html import EntityError, parse_html, utf16_len


def reply(*sections: Section) -> Reply:
    return Reply(intent="salary", sections=sections)


def test_title_bold_source_italic_and_everything_escaped():
    [chunk] = render(reply(Section(body="A <b> & B > C", title="Pay & <perks>",
                                   source="Source: \"BLS\" <2024>")))
    assert chunk.html == (
        "<b>Pay &amp; &lt;perks&gt;</b>\n\nA &lt;b&gt; &amp; B &gt; C\n\n"
        "<i>Source: \"BLS\" &lt;2024&gt;</i>"
    )
    assert parse_html(chunk.html) == chunk.plain


def test_hard_wrapped_lines_are_joined_but_bullets_kept():
    assert unwrap("one\ntwo\n• a\n  continued\n• b") == "one two\n• a continued\n• b"


def test_long_reply_splits_at_paragraphs_within_the_limit():
    paragraphs = [f"Paragraph {i}: " + "word " * 150 for i in range(20)]
    chunks = render(reply(Section(body="\n\n".join(paragraphs), title="Long")))
    assert len(chunks) > 1
    for chunk in chunks:
        plain = parse_html(chunk.html)
        assert utf16_len(plain) <= MAX_MESSAGE
        assert plain.startswith(("Paragraph", "Long"))  # a paragraph is never cut
    assert sum(c.plain.count("Paragraph") for c in chunks) == 20


def test_one_huge_paragraph_and_emoji_still_fit():
    body = "🙂" * 5000 + " " + "x" * 9000
    for chunk in render(reply(Section(body=body))):
        assert 0 < utf16_len(parse_html(chunk.html)) <= MAX_MESSAGE


def test_escaping_never_breaks_at_an_entity():
    body = "&<>" * 3000
    chunks = render(reply(Section(body=body)))
    assert "".join(parse_html(c.html) for c in chunks) == body


def test_empty_reply_still_sends_something():
    assert render(reply())[0].plain


def test_render_text_escapes():
    assert render_text("a <b> & c")[0].html == "a &lt;b&gt; &amp; c"


def test_fake_parser_refuses_what_telegram_refuses():
    for bad in ["<b>x", "<b>x</i>", "<script>x</script>", "a & b", "a > b", "&nbsp;",
                '<span class="x">a</span>']:
        try:
            parse_html(bad)
        except EntityError as err:
            assert str(err).startswith("Bad Request: can't parse entities")
        else:
            raise AssertionError(f"accepted {bad!r}")
    assert parse_html('<b>a</b><a href="https://x.y">l</a>&lt;&#38;&quot;') == 'al<&"'
