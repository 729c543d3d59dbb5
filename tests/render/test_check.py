"""`alertbot check`: a broken template, catalog or hotline file is refused with file:line.

Most tests break one file in a private copy and render the template that uses it, which is
exactly what `check` does for every template and locale; two tests run the whole check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.errors import OperatorFileError, Problem
from bot.render import Renderer, check_operator_files
from bot.render.catalogs import Catalogs, load_catalogs
from bot.render.hotlines import HotlineDirectory
from bot.render.locales import SUPPORTED_LOCALES
from bot.render.renderer import Paths

from .conftest import HOTLINES, LOCALES, TEMPLATES, OperatorFiles, khmer_story, vietnamese_story


@pytest.fixture(scope="module")
def shipped_catalogs() -> Catalogs:
    catalogs, _ = load_catalogs(LOCALES, SUPPORTED_LOCALES)
    return catalogs


@pytest.fixture
def edited(operator_files: OperatorFiles, shipped_catalogs: Catalogs) -> Renderer:
    """A renderer over the private copy of the templates, built without the full check."""
    directory, _ = HotlineDirectory.load(HOTLINES)
    paths = Paths(operator_files.templates, operator_files.hotlines, operator_files.locales)
    return Renderer(paths, directory, shipped_catalogs, render_seconds=0.2)


def put_line(path: Path, line: int, text: str) -> None:
    """Insert `text` so that it becomes line `line` of the file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(line - 1, text)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def refusal(renderer: Renderer, template: str, locale: str, **context: Any) -> list[Problem]:
    with pytest.raises(OperatorFileError) as refused:
        renderer.render(template, locale, **context)
    return list(refused.value.problems)


def assert_located(problems: list[Problem], path: Path, line: int, words: str = "") -> None:
    assert any(
        Path(problem.file) == path and problem.line == line and words in problem.message
        for problem in problems
    ), problems


def test_shipped_files_have_no_errors_and_list_unreviewed_translations() -> None:
    problems = check_operator_files(TEMPLATES, HOTLINES, LOCALES)
    assert [problem for problem in problems if problem.severity == "error"] == []
    unreviewed = {
        Path(problem.file).parts[-3]
        for problem in problems
        if "reviewed by a native speaker" in problem.message
    }
    assert unreviewed == set(SUPPORTED_LOCALES) - {"en"}


def test_check_reports_a_variable_unknown_in_a_branch_samples_may_not_reach(
    operator_files: OperatorFiles,
) -> None:
    path = operator_files.templates / "th" / "digest.html"
    put_line(path, 3, "{% if alerts | length > 999 %}{{ alert_title }}{% endif %}")
    problems = check_operator_files(
        operator_files.templates, operator_files.hotlines, operator_files.locales
    )
    assert_located(problems, path, 3, "alert_title")


def test_load_refuses_what_check_reports(operator_files: OperatorFiles) -> None:
    put_line(operator_files.templates / "en" / "alert.html", 1, "{{ nope }}")
    with pytest.raises(OperatorFileError, match="nope"):
        operator_files.load()


def test_syntax_error_is_refused_with_file_and_line(
    operator_files: OperatorFiles, edited: Renderer
) -> None:
    path = operator_files.templates / "vi" / "retraction.html"
    put_line(path, 4, "{% if reason %}unclosed {% for x in y %}")
    problems = refusal(edited, "retraction", "vi", alert=khmer_story(), reason=None)
    assert problems[0].file == str(path)
    assert problems[0].line >= 4


def test_unknown_attribute_is_refused_when_rendered(
    operator_files: OperatorFiles, edited: Renderer
) -> None:
    path = operator_files.templates / "km" / "alert.html"
    put_line(path, 1, "{{ alert.headline }}")
    problems = refusal(edited, "alert", "km", alert=khmer_story())
    assert_located(problems, path, 1, "headline")


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ alert.title.__class__.__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ alert.__class__.from_item.__func__.__globals__ }}",
    ],
)
def test_sandbox_escape_is_refused_with_file_and_line(
    operator_files: OperatorFiles, edited: Renderer, attack: str
) -> None:
    path = operator_files.templates / "partials" / "source_line.html"
    put_line(path, 2, attack)
    problems = refusal(edited, "alert", "vi", alert=vietnamese_story())
    assert_located(problems, path, 2, "sandbox")
    assert all("object at 0x" not in problem.message for problem in problems)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("{% for i in range(10 ** 6) %}x{% endfor %}", "range()"),
        ("{{ 'x' * 10 ** 9 }}", "too large"),
        ("{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}", "without end"),
        # A billion turns: far past the 0.2 s budget on any machine (a million was not).
        (
            "{% for a in range(999) %}{% for b in range(999) %}{% for c in range(999) %}"
            "{% endfor %}{% endfor %}{% endfor %}",
            "longer",
        ),
    ],
)
def test_runaway_templates_are_stopped_with_file_and_line(
    operator_files: OperatorFiles, edited: Renderer, code: str, words: str
) -> None:
    path = operator_files.templates / "en" / "broadcast.html"
    put_line(path, 2, code)
    problems = refusal(edited, "broadcast", "en", body="Xin chào")
    assert any(Path(p.file) == path and words in p.message for p in problems), problems


def test_phone_number_written_into_a_template_is_refused(
    operator_files: OperatorFiles, edited: Renderer
) -> None:
    path = operator_files.templates / "vi" / "welcome.html"
    put_line(path, 2, "Gọi ngay 0912 345 678 hoặc 113.")
    problems = edited.check_templates()
    assert_located(problems, path, 2, "0912 345 678")
    assert_located(problems, path, 2, "113")


def test_unknown_variable_is_found_without_rendering(
    operator_files: OperatorFiles, edited: Renderer
) -> None:
    path = operator_files.templates / "en" / "welcome.html"
    put_line(path, 3, "{{ alert_title }}")
    assert_located(edited.check_templates(), path, 3, "alert_title")


def test_markup_telegram_refuses_is_reported_at_its_line(
    operator_files: OperatorFiles, edited: Renderer
) -> None:
    path = operator_files.templates / "en" / "group_intro.html"
    put_line(path, 3, "<div>Welcome</div>")
    assert_located(refusal(edited, "group_intro", "en", group_title=None), path, 3, "<div>")


def test_output_longer_than_telegram_allows_is_refused(
    operator_files: OperatorFiles, edited: Renderer
) -> None:
    path = operator_files.templates / "fr" / "group_intro.html"
    put_line(path, 2, "Bienvenue à tous. " * 300)
    assert_located(refusal(edited, "group_intro", "fr", group_title=None), path, 1, "4096")


def test_translation_with_a_wrong_placeholder_is_refused_at_its_po_line(
    operator_files: OperatorFiles,
) -> None:
    path = operator_files.locales / "vi" / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    broken = text.replace('msgstr "Nguồn: %(source)s, %(date)s"', 'msgstr "Nguồn: %(nguon)s"')
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    msgid_line = broken.splitlines().index('msgstr "Nguồn: %(nguon)s"')  # the line before
    _, problems = load_catalogs(operator_files.locales, ["vi"])
    assert_located(problems, path, msgid_line, "nguon")


def test_translation_with_markup_is_refused(operator_files: OperatorFiles) -> None:
    path = operator_files.locales / "th" / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgstr "ตั้งค่า"', 'msgstr "<b>ตั้งค่า"'), encoding="utf-8")
    _, problems = load_catalogs(operator_files.locales, ["th"])
    assert any(p.severity == "error" and "'<'" in p.message for p in problems), problems


def test_catalog_without_review_header_is_a_warning_not_an_error(
    operator_files: OperatorFiles,
) -> None:
    path = operator_files.locales / "ko" / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    unmarked = text.replace('"X-Native-Review: no\\n"\n', "").replace("# X-Native-Review: no\n", "")
    assert "X-Native-Review:" not in unmarked
    path.write_text(unmarked, encoding="utf-8")
    catalogs, problems = load_catalogs(operator_files.locales, ["ko"])
    assert [(problem.severity, "lacks" in problem.message) for problem in problems] == [
        ("warning", True)
    ]
    assert catalogs.get("ko").gettext("Settings") == "설정"


def test_broken_hotline_file_is_refused_with_its_line(operator_files: OperatorFiles) -> None:
    text = operator_files.hotlines.read_text(encoding="utf-8")
    operator_files.hotlines.write_text(text + "- id: [unclosed\n", encoding="utf-8")
    _, problems = HotlineDirectory.load(operator_files.hotlines)
    assert [problem.line >= len(text.splitlines()) for problem in problems] == [True]


@pytest.mark.parametrize(
    "code",
    ["{{ alert.title | safe }}", "{% autoescape false %}{{ alert.title }}{% endautoescape %}"],
)
def test_templates_cannot_switch_escaping_off(
    operator_files: OperatorFiles, edited: Renderer, code: str
) -> None:
    path = operator_files.templates / "id" / "story_update.html"
    put_line(path, 2, code)
    assert_located(edited.check_templates(), path, 2)
