"""/hotline, /latest, /help, /about and inline mode, in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.models import Category
from bot.render import SUPPORTED_LOCALES
from bot.store.alerts import AlertContent, Audience
from tests.chat.conftest import World

ABOUT_TITLE = {"vi": "Về bot này", "en": "About this bot", "km": "អំពីបូតនេះ"}
HELP_TITLE = {"vi": "Tôi giúp được gì", "en": "What I can do", "km": "អ្វីដែលខ្ញុំអាចធ្វើបាន"}


async def issue(world: World, title: str, *, days_ago: int = 0, category: str = "") -> int:
    # Stories written for these tests; not real articles.
    published = datetime(2026, 10, 31, 7, 0, tzinfo=UTC) - timedelta(days=days_ago)
    content = AlertContent(
        category=category or Category.RECRUITMENT_LURE,
        title=title,
        summary="Recruiters promised easy work abroad, then took the passports.",
        url=f"https://news.example.org/{abs(hash(title))}",
        source="Test Daily",
        lang="en",
        published=published,
        countries=("KH",),
    )
    alert_id = await world.services.alerts.issue_alert(
        content, Audience(kind="recruitment"), kind="news", now=world.clock()
    )
    assert alert_id is not None
    return alert_id


@pytest.mark.parametrize("locale", ["vi", "en", "km"])
async def test_hotline_shows_the_card_for_the_readers_citizenship(
    world: World, locale: str
) -> None:
    person = world.api.add_user("Reader", language_code=locale)

    world.api.send_command(person, "/hotline")
    card = await world.reply_to(person)

    assert card.text.startswith("☎️")
    assert "117" in card.text  # Cambodia's police hotline, for the compounds' country
    if locale == "vi":
        assert "111" in card.text  # Vietnam's own anti-trafficking line


@pytest.mark.parametrize("locale", ["vi", "en", "km"])
async def test_help_and_about_answer_in_the_readers_language(world: World, locale: str) -> None:
    person = world.api.add_user("Reader", language_code=locale)

    world.api.send_command(person, "/help")
    help_text = await world.reply_to(person)
    world.api.send_command(person, "/about")
    about = await world.reply_to(person, after=1)

    assert HELP_TITLE[locale] in help_text.text and "/check" in help_text.text
    assert ABOUT_TITLE[locale] in about.text and "/forget" in about.text
    assert "t.me/fake_alert_bot" in (help_text.source_text or "")


async def test_latest_lists_the_last_five_warnings_newest_first(world: World) -> None:
    for number in range(7):
        await issue(world, f"Warning number {number}", days_ago=7 - number)
    sam = world.api.add_user("Sam", language_code="en")

    world.api.send_command(sam, "/latest")
    digest = await world.reply_to(sam)

    shown = [n for n in range(7) if f"Warning number {n}" in digest.text]
    assert shown == [2, 3, 4, 5, 6]
    assert digest.text.index("Warning number 6") < digest.text.index("Warning number 2")


async def test_latest_before_any_warning_says_so(world: World) -> None:
    dara = world.api.add_user("Dara", language_code="km")

    world.api.send_command(dara, "/latest")

    assert (
        await world.reply_to(dara)
    ).text == "មិនទាន់មានការព្រមាននៅឡើយទេ។ ខ្ញុំនឹងផ្ញើការព្រមានបន្ទាប់ជូនអ្នក។"


async def test_inline_mode_offers_the_latest_warnings_ready_to_share(world: World) -> None:
    await issue(world, "Fake casino jobs in Bavet")
    await issue(world, "Police free workers held in a compound", category="trafficking_victims")
    lan = world.api.add_user("Lan", language_code="vi")

    since = len(world.api.requests)
    update = world.api.send_inline_query(lan, "")
    await world.api.wait_for_request("answerInlineQuery", since=since)
    answer = world.api.inline_answer(update["inline_query"]["id"])

    assert answer is not None and answer["is_personal"]
    titles = [result["title"] for result in answer["results"]]
    assert titles[:2] == ["Police free workers held in a compound", "Fake casino jobs in Bavet"]
    first = answer["results"][0]["input_message_content"]
    assert first["parse_mode"] == "HTML"
    assert "Police free workers held in a compound" in first["message_text"]
    assert "t.me/fake_alert_bot" in first["message_text"]  # a link to subscribe
    assert first["link_preview_options"]["is_disabled"] is True
    assert answer["results"][-1]["id"] == "hotlines"


async def test_inline_query_text_narrows_the_warnings(world: World) -> None:
    await issue(world, "Fake casino jobs in Bavet")
    await issue(world, "Call-centre lure in Myawaddy")
    sam = world.api.add_user("Sam", language_code="en")

    since = len(world.api.requests)
    update = world.api.send_inline_query(sam, "myawaddy")
    await world.api.wait_for_request("answerInlineQuery", since=since)
    answer = world.api.inline_answer(update["inline_query"]["id"])

    assert answer is not None
    assert [r["title"] for r in answer["results"][:-1]] == ["Call-centre lure in Myawaddy"]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("template", ["help", "about"])
def test_help_and_about_exist_and_render_in_every_locale(
    world_renderer: object, locale: str, template: str
) -> None:
    from bot.render import Renderer

    assert isinstance(world_renderer, Renderer)
    rendered = world_renderer.render(template, locale, subscribe_link="https://t.me/example_bot")
    assert rendered.locale == locale
    assert "/stop" in rendered.plain and "/forget" in rendered.plain


@pytest.fixture(scope="module")
def world_renderer() -> object:
    from pathlib import Path

    from bot.render import Renderer

    repo = Path(__file__).resolve().parents[2]
    return Renderer.load(repo / "templates", repo / "hotlines" / "hotlines.yaml", repo / "locales")
