"""Hot reload: a good edit is applied, a broken one refused once, and the last good kept."""

from __future__ import annotations

import os
from pathlib import Path

from bot.render import ReloadingRenderer

from .conftest import OperatorFiles


def edit(path: Path, old: str, new: str) -> None:
    """Change a file and move its mtime forward, as a later save by an operator would."""
    before = path.stat().st_mtime_ns
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    later = max(before, path.stat().st_mtime_ns) + 1_000_000_000
    os.utime(path, ns=(later, later))


def test_nothing_changed_means_nothing_reloaded(operator_files: OperatorFiles) -> None:
    reloading = ReloadingRenderer(
        operator_files.templates, operator_files.hotlines, operator_files.locales
    )
    first = reloading.current
    assert reloading.reload_if_changed() == []
    assert reloading.current is first


def test_good_edit_is_applied_bad_edit_refused_and_last_good_kept(
    operator_files: OperatorFiles,
) -> None:
    reloading = ReloadingRenderer(
        operator_files.templates, operator_files.hotlines, operator_files.locales
    )
    welcome = operator_files.templates / "en" / "welcome.html"

    edit(welcome, "What I do", "How I help")
    assert reloading.reload_if_changed() == []
    assert "How I help" in reloading.current.render("welcome", "en", name=None).plain
    good = reloading.current

    edit(welcome, "How I help", "How I help {{ oops")
    problems = reloading.reload_if_changed()
    assert problems and Path(problems[0].file) == welcome and problems[0].line > 0
    assert reloading.current is good
    assert "How I help" in reloading.current.render("welcome", "en", name=None).plain
    assert reloading.reload_if_changed() == [], "a refused edit is reported once"

    edit(welcome, "How I help {{ oops", "Here is how I help")
    assert reloading.reload_if_changed() == []
    assert "Here is how I help" in reloading.current.render("welcome", "en", name=None).plain


def test_edited_hotline_label_and_translation_are_picked_up(
    operator_files: OperatorFiles,
) -> None:
    reloading = ReloadingRenderer(
        operator_files.templates, operator_files.hotlines, operator_files.locales
    )
    edit(operator_files.hotlines, 'Bộ Ngoại giao – Tổng đài bảo hộ công dân"', 'Tổng đài bảo hộ"')
    edit(
        operator_files.locales / "vi" / "LC_MESSAGES" / "messages.po",
        'msgstr "Nhận cảnh báo"',
        'msgstr "Bật cảnh báo"',
    )
    assert reloading.reload_if_changed() == []
    hotlines = reloading.current.hotlines.select(citizenship="VN", province=None, destinations=[])
    card = reloading.current.render(
        "hotline_card", "vi", citizenship="VN", destinations=(), hotlines=hotlines
    )
    assert "Tổng đài bảo hộ\n" in card.plain
    assert reloading.current.translator("vi").gettext("Get warnings") == "Bật cảnh báo"


def test_a_hotline_edit_that_breaks_the_directory_keeps_the_old_numbers(
    operator_files: OperatorFiles,
) -> None:
    reloading = ReloadingRenderer(
        operator_files.templates, operator_files.hotlines, operator_files.locales
    )
    edit(operator_files.hotlines, "confidence: high", "confidence: certain")
    problems = reloading.reload_if_changed()
    assert any("confidence" in problem.message for problem in problems)
    assert reloading.current.hotlines.select(citizenship="VN", province=None, destinations=[])
