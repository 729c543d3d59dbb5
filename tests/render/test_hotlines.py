"""The hotline directory: sourced, selected by the rule, and the only source of numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.render import Renderer
from bot.render.hotlines import HotlineDirectory
from bot.render.locales import format_day, format_when
from bot.render.phones import digits_of
from bot.render.renderer import TEMPLATE_NAMES
from bot.render.samples import sample_alerts, sample_contexts

from .conftest import HOTLINES, SHARED, TEMPLATES, all_stories

# Independent of the renderer's own detector: any run of 3+ digits with phone separators.
PHONE_LIKE = re.compile(r"\+?\(?\+?[0-9][0-9 ().+-]*[0-9]")
FACT_FIELDS = ("numbers", "e164", "source_urls", "source_date", "confidence", "status", "notes")


def _raw_entries(path: Path) -> list[dict[str, Any]]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(entries, list)
    return entries


@pytest.fixture(scope="module")
def directory() -> HotlineDirectory:
    loaded, problems = HotlineDirectory.load(HOTLINES)
    assert problems == []
    return loaded


def test_every_entry_names_at_least_one_source_url() -> None:
    for entry in _raw_entries(HOTLINES):
        urls = entry.get("source_urls") or []
        assert urls, entry["id"]
        assert all(url.startswith(("http://", "https://")) for url in urls), entry["id"]


def test_every_entry_keeps_the_facts_of_the_shared_directory_unchanged() -> None:
    shared = SHARED / "data" / "hotlines.yaml"
    if not shared.exists():
        pytest.skip(f"{shared} is absent; cannot compare with the sourced original")
    ours = {entry["id"]: entry for entry in _raw_entries(HOTLINES)}
    for original in _raw_entries(shared):
        copy = ours.get(original["id"])
        assert copy is not None, f"{original['id']} is missing from hotlines/hotlines.yaml"
        for name in FACT_FIELDS:
            assert copy.get(name) == original.get(name), (original["id"], name)


def test_displayed_spellings_are_printed_ones(directory: HotlineDirectory) -> None:
    for entry in directory.entries:
        assert set(entry.hotline.numbers) <= set(entry.printed), entry.hotline.hotline_id


def test_vietnamese_reader_of_a_cambodia_story_gets_ministry_national_line_and_police() -> None:
    directory, _ = HotlineDirectory.load(HOTLINES)
    chosen = [
        line.hotline_id
        for line in directory.select(citizenship="VN", province=None, destinations=["KH"])
    ]
    assert chosen[:3] == [
        "vn-mofa-citizen-protection-981",
        "vn-mofa-citizen-protection-965",
        "vn-111-national-hotline",
    ]
    assert "kh-police-117" in chosen
    assert "kh-police-117-telegram" in chosen


def test_embassy_lines_marked_possibly_outdated_appear_only_when_asked(
    directory: HotlineDirectory,
) -> None:
    default = directory.select(citizenship="VN", province=None, destinations=["KH"])
    wider = directory.select(
        citizenship="VN", province=None, destinations=["KH"], include_possibly_outdated=True
    )
    assert "vn-embassy-cambodia-726274" not in {line.hotline_id for line in default}
    assert "vn-embassy-cambodia-726274" in {line.hotline_id for line in wider}


def test_low_unverified_and_outdated_lines_are_never_selected(
    directory: HotlineDirectory,
) -> None:
    countries = sorted({entry.hotline.located_in for entry in directory.entries})
    citizenships = sorted({entry.hotline.country_for for entry in directory.entries} - {"any"})
    for citizenship in [*citizenships, None]:
        for line in directory.select(
            citizenship=citizenship,
            province=None,
            destinations=countries,
            include_possibly_outdated=True,
        ):
            assert line.confidence in {"high", "medium"}, line.hotline_id
            assert line.status in {"current", "possibly_outdated"}, line.hotline_id


def test_only_lines_for_the_readers_citizenship_or_anyone_there_are_selected(
    directory: HotlineDirectory,
) -> None:
    for line in directory.select(citizenship="TH", province=None, destinations=["KH", "LA"]):
        assert line.country_for in {"TH", "any"}, line.hotline_id


def test_a_line_restricted_to_provinces_is_shown_only_there(tmp_path: Path) -> None:
    path = tmp_path / "hotlines.yaml"
    path.write_text(
        """
- id: test-provincial
  country_for: VN
  located_in: VN
  organisation: "Provincial line"
  numbers: ["0238 1234 567"]
  source_urls: ["https://example.org/source"]
  confidence: high
  status: current
  provinces: ["Nghệ An"]
""",
        encoding="utf-8",
    )
    directory, problems = HotlineDirectory.load(path)
    assert problems == []
    there = directory.select(citizenship="VN", province="nghệ an", destinations=[])
    elsewhere = directory.select(citizenship="VN", province="Hà Tĩnh", destinations=[])
    assert [line.hotline_id for line in there] == ["test-provincial"]
    assert elsewhere == []


def test_an_entry_without_source_or_with_an_invented_display_number_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "hotlines.yaml"
    path.write_text(
        """
- id: no-source
  country_for: VN
  located_in: VN
  organisation: "A"
  numbers: ["111"]
  source_urls: []
  confidence: high
  status: current
- id: made-up-display
  country_for: VN
  located_in: VN
  organisation: "B"
  numbers: ["+84 981 84 84 84"]
  display: ["+84 981 848 485"]
  source_urls: ["https://example.org"]
  confidence: high
  status: current
""",
        encoding="utf-8",
    )
    directory, problems = HotlineDirectory.load(path)
    assert directory.entries == ()
    located = {(problem.line, problem.message.split(":")[0]) for problem in problems}
    assert (7, "no-source") in located
    assert (15, "made-up-display") in located


def test_no_template_contains_a_phone_number_literal() -> None:
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", path.read_text(encoding="utf-8"))
        for match in PHONE_LIKE.finditer(text):
            digits = re.sub(r"[^0-9]", "", match.group(0))
            assert len(digits) < 3, f"{path}: {match.group(0)!r}"


def test_every_number_in_every_rendered_message_is_in_the_directory(
    renderer: Renderer, directory: HotlineDirectory
) -> None:
    allowed = {
        digits_of(number) for number in directory.shown_numbers(include_possibly_outdated=True)
    }
    for message in _every_message(renderer):
        for number in message.hotline_numbers:
            assert digits_of(number) in allowed, (message.template, message.locale, number)
        text = _without_dates_we_formatted(message.plain, message.locale)
        for match in PHONE_LIKE.finditer(text):
            digits = re.sub(r"[^0-9]", "", match.group(0))
            if len(digits) >= 6:
                assert digits_of(match.group(0)) in allowed, (message.template, match.group(0))


def test_a_number_printed_in_the_news_but_not_in_the_directory_is_hidden(
    renderer: Renderer,
) -> None:
    story = all_stories()[0]
    tainted = type(story)(
        **{
            **{name: getattr(story, name) for name in story.__slots__},
            "summary": "Người môi giới cho số 0912 345 678 để liên hệ. " + story.summary,
        }
    )
    message = renderer.render_alert(tainted, "vi", citizenship="VN", province=None)
    assert "0912 345 678" not in message.plain
    assert "+84 981 84 84 84" in message.plain


def _without_dates_we_formatted(text: str, locale: str) -> str:
    moments = {story.published for story in (*all_stories(), *sample_alerts())}
    moments |= {datetime(2025, 11, 14, tzinfo=UTC), datetime(2025, 11, 21, tzinfo=UTC)}
    for moment in moments:
        for shown in (format_when(moment, locale, None), format_day(moment, locale, None)):
            text = text.replace(shown, "")
    return text


def _every_message(renderer: Renderer) -> list[Any]:
    messages = []
    for locale in renderer.locales:
        for story in all_stories():
            for citizenship in ("VN", "TH", "CN", "ID", "KR", "PH", "LA", None):
                messages.append(
                    renderer.render_alert(
                        story,
                        locale,
                        citizenship=citizenship,
                        province=None,
                        include_possibly_outdated=True,
                    )
                )
        for template in TEMPLATE_NAMES:
            for context in sample_contexts(template, renderer.hotlines, locale):
                messages.append(renderer.render(template, locale, **context))
    return messages
