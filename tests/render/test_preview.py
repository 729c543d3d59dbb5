"""`alertbot preview`: what a subscriber would see, from an item file an operator wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import OperatorFileError
from bot.models import Category, Decision, Verdict
from bot.render import Renderer, preview


def write_item(tmp_path: Path, **overrides: object) -> Path:
    item: dict[str, object] = {
        "id": "preview-1",
        "title": "Cảnh giác với lời mời làm việc lương cao ở Campuchia",
        "text": "Nhiều người được hứa việc nhẹ lương cao nhưng bị giữ lại và ép làm việc.",
        "lang": "vi",
        "url": "https://news.example.net/canh-giac",
        "source": "Báo Thử",
        "published": "2025-11-20T08:00:00+07:00",
        "category": "recruitment_lure",
        "countries": ["KH"],
    }
    item.update(overrides)
    path = tmp_path / "item.json"
    path.write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")
    return path


def test_preview_shows_the_warning_with_the_readers_hotlines(
    renderer: Renderer, tmp_path: Path
) -> None:
    output = preview(renderer, template="alert", locale="vi", item=write_item(tmp_path))
    assert '<a href="https://news.example.net/canh-giac">' in output
    assert "+84 981 84 84 84" in output
    assert "117" in output


def test_plain_preview_has_no_markup_and_keeps_the_link(renderer: Renderer, tmp_path: Path) -> None:
    output = preview(renderer, locale="vi", item=write_item(tmp_path), plain=True)
    assert "<b>" not in output
    assert "(https://news.example.net/canh-giac)" in output


def test_all_locales_preview_has_one_section_per_locale(renderer: Renderer) -> None:
    output = preview(renderer, template="welcome", all_locales=True)
    assert output.count("=== ") == len(renderer.locales)
    assert "=== km (ខ្មែរ) ===" in output


def test_item_without_category_is_classified_by_the_given_classifier(
    renderer: Renderer, tmp_path: Path
) -> None:
    seen: list[tuple[str, str, str | None]] = []

    def classify(title: str, text: str, lang: str | None) -> Verdict:
        seen.append((title, text, lang))
        return Verdict(
            alert=True,
            score=5.0,
            category=Category.TRAFFICKING_VICTIMS,
            lang="vi",
            countries=("MM",),
            decision=Decision.ALERT,
        )

    path = write_item(tmp_path, category=None, countries=None)
    output = preview(renderer, locale="en", item=path, classify=classify)
    assert seen and seen[0][2] == "vi"
    assert "People held in scam compounds: Myanmar" in output


def test_item_the_classifier_drops_is_reported_not_rendered(
    renderer: Renderer, tmp_path: Path
) -> None:
    path = write_item(tmp_path, category="not_relevant")
    assert "not_relevant" in preview(renderer, item=path)


def test_broken_item_file_is_reported_with_its_line(renderer: Renderer, tmp_path: Path) -> None:
    path = tmp_path / "item.json"
    path.write_text('{\n  "id": "x",\n  "title": oops\n}', encoding="utf-8")
    with pytest.raises(OperatorFileError) as refused:
        preview(renderer, item=path)
    assert refused.value.problems[0].line == 3
