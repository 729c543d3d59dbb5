"""Telegram's HTML subset: what we accept is what Telegram accepts."""

from __future__ import annotations

import unicodedata

import pytest

from bot.render.telegram_html import (
    MAX_MESSAGE_LENGTH,
    escape,
    to_plain,
    truncate_at_word,
    validate,
    visible_length,
)


def test_escape_turns_markup_into_text() -> None:
    assert escape('<b>"x" & y</b>') == "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;"


@pytest.mark.parametrize(
    "html",
    [
        "<b>bold</b> <i>italic</i> <u>u</u> <s>s</s> <code>c</code>",
        '<a href="https://example.org/?a=1&amp;b=2">link</a>',
        '<span class="tg-spoiler">hidden</span> <tg-spoiler>too</tg-spoiler>',
        "<blockquote>quoted</blockquote> <pre>pre</pre>",
        "numbers &lt; &gt; &amp; &quot; &#39; &#x1F600;",
        "<b>nested <i>tags</i> close in order</b>",
    ],
)
def test_accepts_telegram_markup(html: str) -> None:
    assert validate(html) == []


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<div>block</div>", "does not support"),
        ("line<br/>break", "does not support"),
        ("<b>open", "never closed"),
        ("<b><i>crossed</b></i>", "innermost"),
        ("</b>", "innermost"),
        ("Tom & Jerry", "bare '&'"),
        ("1 < 2", "'<'"),
        ("2 > 1", "bare '>'"),
        ('<a href="javascript:alert(1)">x</a>', "http"),
        ('<a href="https://a.example">x <a href="https://b.example">y</a></a>', "inside a link"),
        ('<b onclick="x()">x</b>', "not allowed"),
        ('<span class="red">x</span>', "tg-spoiler"),
        ("<b></b>   ", "no visible text"),
    ],
)
def test_refuses_what_telegram_refuses(html: str, reason: str) -> None:
    problems = validate(html)
    assert any(reason in problem for problem in problems), problems


def test_length_is_counted_after_entity_parsing() -> None:
    assert visible_length("<b>a &amp; b</b>") == len("a & b")


def test_length_counts_emoji_as_two_utf16_units() -> None:
    assert visible_length("⚠️🆘") == 1 + 1 + 2


def test_message_over_the_limit_is_refused_and_at_the_limit_accepted() -> None:
    assert validate("x" * MAX_MESSAGE_LENGTH) == []
    assert any("4096" in problem for problem in validate("x" * (MAX_MESSAGE_LENGTH + 1)))


def test_plain_fallback_keeps_link_addresses_and_decodes_entities() -> None:
    html = '<b>Cảnh báo</b> &amp; <a href="https://example.org/x?a=1&amp;b=2">bài báo</a>'
    assert to_plain(html) == "Cảnh báo & bài báo (https://example.org/x?a=1&b=2)"


def test_plain_fallback_does_not_repeat_an_address_shown_as_text() -> None:
    assert to_plain('<a href="https://t.me/x">https://t.me/x</a>') == "https://t.me/x"


def test_short_text_is_not_touched() -> None:
    assert truncate_at_word("việc nhẹ lương cao", 50) == "việc nhẹ lương cao"


def test_long_text_is_cut_at_a_word_with_an_ellipsis() -> None:
    text = "Đừng đi. Đừng đưa hộ chiếu cho người tuyển dụng vì đó là cái bẫy"
    short = truncate_at_word(text, 30)
    assert short.endswith("…")
    assert len(short) <= 30
    assert text.startswith(short[:-1])
    assert text[len(short) - 1] == " "


def test_text_without_spaces_is_cut_between_whole_letters() -> None:
    khmer = "កុំទៅ" * 40
    short = truncate_at_word(khmer, 33)
    assert len(short) <= 33
    body = short[:-1]
    assert not unicodedata.category(khmer[len(body)]).startswith("M")
    assert body[-1] not in "\u17d2"


def test_chinese_text_prefers_to_cut_after_punctuation() -> None:
    text = "不要去。不要付钱。不要发护照。" * 5
    short = truncate_at_word(text, 20)
    assert short[-2] == "。"
