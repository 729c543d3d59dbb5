"""Every template in every locale, rendered with realistic data, is a message Telegram takes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.errors import OperatorFileError
from bot.models import Category, Cue
from bot.render import SUPPORTED_LOCALES, TEMPLATE_NAMES, AlertView, RenderedMessage, Renderer
from bot.render.phones import REDACTED
from bot.render.telegram_html import MAX_MESSAGE_LENGTH, validate, visible_length

from .conftest import (
    HOSTILE,
    OperatorFiles,
    all_stories,
    hostile_story,
    khmer_story,
    vietnamese_story,
)

telegram = pytest.importorskip("tests.fakes.telegram_html", reason="the fake Bot API is absent")


def contexts(template: str, renderer: Renderer) -> Iterator[dict[str, Any]]:
    """Realistic contexts written for these tests, one per story where a story fits."""
    stories = all_stories()
    hotlines = renderer.hotlines.select(citizenship="VN", province=None, destinations=["KH", "MM"])
    base: dict[str, Any] = {"hotlines": hotlines, "subscribe_link": "https://t.me/test_alert_bot"}
    if template in ("alert", "story_update"):
        for story in stories:
            yield {**base, "alert": story}
    elif template == "retraction":
        for story in stories:
            yield {**base, "alert": story, "reason": HOSTILE}
    elif template == "digest":
        yield {
            **base,
            "alerts": stories * 4,
            "period_start": datetime(2025, 11, 14, tzinfo=UTC),
            "period_end": datetime(2025, 11, 21, tzinfo=UTC),
        }
    elif template == "welcome":
        yield {**base, "name": HOSTILE}
    elif template == "hotline_card":
        yield {**base, "citizenship": "VN", "destinations": ("KH", "MM")}
    elif template == "check_verdict":
        cues = (Cue("không cần kinh nghiệm", "easy", 1.0), Cue(HOSTILE, "pay", 2.0))
        for level in ("lure", "careful", "no_signs"):
            yield {**base, "level": level, "cues": cues, "countries": ("KH",)}
    elif template == "broadcast":
        yield {**base, "body": HOSTILE + "\nHãy cẩn thận với tin tuyển dụng trên mạng."}
    elif template == "group_intro":
        yield {**base, "group_title": HOSTILE}


def assert_telegram_accepts(message: RenderedMessage) -> None:
    assert validate(message.html) == []
    parsed = telegram.parse_html(message.html)
    assert telegram.utf16_length(parsed.text) <= MAX_MESSAGE_LENGTH
    assert "<script>" not in parsed.text or HOSTILE in parsed.text


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_template_renders_as_valid_telegram_html(
    renderer: Renderer, template: str, locale: str
) -> None:
    for context in contexts(template, renderer):
        message = renderer.render(template, locale, **context)
        assert message.locale == locale
        assert_telegram_accepts(message)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_has_its_own_copy_of_every_template(locale: str) -> None:
    from .conftest import TEMPLATES

    for template in TEMPLATE_NAMES:
        assert (TEMPLATES / locale / f"{template}.html").exists()


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_hostile_feed_text_is_shown_as_harmless_text(renderer: Renderer, locale: str) -> None:
    message = renderer.render_alert(hostile_story(), locale, citizenship="VN", province=None)
    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;unclosed" in message.html
    assert HOSTILE in message.plain
    assert_telegram_accepts(message)


def test_a_link_that_is_not_http_is_not_linked(renderer: Renderer) -> None:
    story = replace(vietnamese_story(), url="javascript:alert(1)")
    message = renderer.render_alert(story, "vi", citizenship="VN", province=None)
    assert "javascript" not in message.html
    assert f"<b>{story.title}</b>".replace("“", "“") in message.html


def test_long_summary_is_shortened_at_a_word_and_title_link_hotlines_kept(
    renderer: Renderer,
) -> None:
    story = vietnamese_story()
    message = renderer.render_alert(story, "vi", citizenship="VN", province=None)
    summary = re.search(r"<i>(.*?)</i>", message.html, re.DOTALL)
    assert summary is not None
    shown = summary.group(1)
    assert shown.endswith("…")
    assert story.summary.startswith(shown[:-1])
    assert story.summary[len(shown) - 1] == " "
    assert story.title in message.plain
    assert 'href="https://news.example.net/xa-hoi/viec-nhe-luong-cao?utm=feed&amp;id=42"' in (
        message.html
    )
    assert "+84 981 84 84 84" in message.hotline_numbers
    assert "117" in message.hotline_numbers


def test_summary_gives_way_so_the_whole_message_fits(renderer: Renderer) -> None:
    many_hotlines = renderer.hotlines.select(
        citizenship="VN",
        province=None,
        destinations=["KH", "MM", "TH", "LA"],
        include_possibly_outdated=True,
    )
    story = replace(vietnamese_story(), summary=vietnamese_story().summary * 20)
    long_title = replace(story, title=story.title + " – " + "tin rất dài " * 40)
    message = renderer.render("alert", "vi", alert=long_title, hotlines=many_hotlines)
    assert visible_length(message.html) <= MAX_MESSAGE_LENGTH
    assert long_title.title in message.plain
    for line in many_hotlines:
        for number in line.numbers:
            assert number in message.plain


def test_a_message_that_cannot_fit_without_cutting_title_or_hotlines_is_refused(
    renderer: Renderer,
) -> None:
    story = replace(vietnamese_story(), title="tiêu đề quá dài " * 300)
    with pytest.raises(OperatorFileError, match="4096"):
        renderer.render_alert(story, "vi", citizenship="VN", province=None)


def test_headline_is_quoted_in_its_language_which_is_named(renderer: Renderer) -> None:
    message = renderer.render_alert(khmer_story(), "vi", citizenship="VN", province=None)
    assert "Tin gốc bằng tiếng Khmer:" in message.plain
    assert khmer_story().title in message.plain
    assert "Người bị giam giữ ở trại lừa đảo tại Campuchia" in message.plain


def test_date_is_shown_in_the_subscribers_time_zone(renderer: Renderer) -> None:
    story = vietnamese_story()  # published 23:45 UTC on 21 November
    hanoi = renderer.render_alert(story, "en", citizenship=None, province=None)
    paris = renderer.render_alert(story, "fr", citizenship=None, province=None, tz="Europe/Paris")
    assert "Nov 22, 2025, 6:45" in hanoi.plain
    assert "22 nov. 2025, 00:45" in paris.plain


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_dates_and_counts_are_never_mistaken_for_phone_numbers(
    renderer: Renderer, locale: str
) -> None:
    alert = renderer.render_alert(vietnamese_story(), locale, citizenship=None, province=None)
    [digest] = contexts("digest", renderer)
    summary = renderer.render("digest", locale, **digest)
    assert REDACTED not in alert.plain
    assert REDACTED not in summary.plain
    assert "2025" in alert.plain and "2025" in summary.plain


@pytest.mark.parametrize(
    ("category", "words"),
    [
        (Category.RECRUITMENT_LURE, "Đừng đi."),
        (Category.TRAFFICKING_VICTIMS, "hãy gọi ngay"),
        (Category.CRACKDOWN, "Triệt phá trại lừa đảo"),
    ],
)
def test_each_category_has_its_own_warning(
    renderer: Renderer, category: Category, words: str
) -> None:
    story = replace(vietnamese_story(), category=category)
    assert words in renderer.render_alert(story, "vi", citizenship="VN", province=None).plain


def test_not_relevant_items_are_not_rendered_as_alerts(renderer: Renderer) -> None:
    story = replace(vietnamese_story(), category=Category.NOT_RELEVANT)
    with pytest.raises(ValueError, match="not_relevant"):
        renderer.render_alert(story, "vi", citizenship="VN", province=None)


@pytest.mark.parametrize("locale", ["en", "fr", "id"])
def test_no_signs_verdict_never_calls_an_offer_safe(renderer: Renderer, locale: str) -> None:
    message = renderer.render("check_verdict", locale, level="no_signs", cues=(), countries=())
    assert not re.search(r"\b(safe|sûr|sûre|aman)\b", message.plain, re.IGNORECASE)


def test_there_is_no_safe_verdict_level(renderer: Renderer) -> None:
    with pytest.raises(ValueError, match="no_signs"):
        renderer.render("check_verdict", "en", level="safe", cues=(), countries=())


def test_no_signs_verdict_in_vietnamese_says_it_is_no_guarantee(renderer: Renderer) -> None:
    message = renderer.render("check_verdict", "vi", level="no_signs", cues=(), countries=())
    assert "an toàn" not in message.plain
    assert "chưa phải là bảo đảm" in message.plain


def test_group_introduction_states_what_is_stored(renderer: Renderer) -> None:
    message = renderer.render("group_intro", "vi", group_title=None)
    assert "Quyền riêng tư" in message.plain
    assert "không lưu gì về thành viên" in message.plain


def test_reader_without_hotlines_is_told_to_set_a_country(renderer: Renderer) -> None:
    message = renderer.render("welcome", "vi", name=None, hotlines=[])
    assert "/settings" in message.plain
    assert message.hotline_numbers == ()


def test_possibly_outdated_lines_carry_a_check_first_label(renderer: Renderer) -> None:
    message = renderer.render_alert(
        vietnamese_story(), "vi", citizenship="VN", province=None, include_possibly_outdated=True
    )
    assert "855-23726274" in message.plain
    assert "Hãy kiểm tra lại số này trước khi dựa vào nó." in message.plain


def test_unknown_telegram_language_falls_back_to_english(renderer: Renderer) -> None:
    message = renderer.render("welcome", "pt-BR", name="Ana")
    assert message.locale == "en"
    assert "Hello, Ana!" in message.plain


def test_a_locale_without_its_own_template_uses_the_english_one(
    operator_files: OperatorFiles,
) -> None:
    (operator_files.templates / "lo" / "retraction.html").unlink()
    renderer = operator_files.load()
    message = renderer.render("retraction", "lo", alert=khmer_story(), reason=None)
    assert "Correction" in message.plain
    assert message.locale == "lo"


def test_a_template_that_needs_a_value_the_caller_forgot_is_a_programming_error(
    renderer: Renderer,
) -> None:
    with pytest.raises(TypeError, match="alert"):
        renderer.render("alert", "vi")


def test_alert_view_is_built_from_item_and_verdict() -> None:
    from bot.models import Decision, Item, Verdict

    item = Item(
        item_id="x1",
        feed_url="https://feed.example/rss",
        source="Báo Thử",
        url="https://feed.example/x1",
        title="Tiêu đề",
        summary="Tóm tắt",
        published=datetime(2025, 11, 1, tzinfo=UTC),
        lang="vi",
    )
    verdict = Verdict(
        alert=True,
        score=3.0,
        category=Category.CRACKDOWN,
        lang="vi",
        countries=("KH",),
        provinces=("VN-40",),
        decision=Decision.ALERT,
    )
    view = AlertView.from_item(item, verdict, also_reported_by=("Báo Thử", "Tin Khác"))
    assert view.category is Category.CRACKDOWN
    assert view.countries == ("KH",)
    assert view.also_reported_by == ("Tin Khác",)
