"""The operators' keyword lists load, and every mistake in them is located by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.classify import Classifier, check_lexicons
from bot.classify.lexicons import GROUPS, load_lexicons
from bot.classify.matcher import PhraseMatcher, prepare
from bot.classify.normalise import normalise
from bot.errors import OperatorFileError

from .conftest import LEXICONS


def _problems(tmp_path: Path, content: str) -> list[tuple[int, str]]:
    (tmp_path / "xx.toml").write_text(content, encoding="utf-8")
    return [(p.line, p.message) for p in check_lexicons(tmp_path)]


def test_shipped_lexicons_have_no_problems() -> None:
    assert check_lexicons(LEXICONS) == []


def test_shipped_lexicons_cover_the_required_languages() -> None:
    required = {"vi", "en", "id", "fr", "km", "th", "zh", "lo", "my", "ko", "ms", "tl", "ja"}
    assert {path.stem for path in LEXICONS.glob("*.toml")} >= required


def test_no_positive_phrase_contains_a_negative_phrase() -> None:
    # A negative phrase inside a lure would make adding that lure able to lower a score.
    entries, _ = load_lexicons(LEXICONS)
    negatives = PhraseMatcher(
        (normalise(e.text), e.phrase, e.prefix) for e in entries if e.group == "negative"
    )
    for entry in entries:
        if entry.group != "negative":
            inside = [hit[2] for hit in negatives.find(prepare(normalise(entry.text)))]
            assert not inside, f"{entry.file}:{entry.line} {entry.phrase!r} contains {inside}"


def test_a_valid_file_gives_its_entries_with_line_numbers(tmp_path: Path) -> None:
    (tmp_path / "vi.toml").write_text(
        '# comment\n[lure]\n"việc nhẹ lương cao" = 2.5\n\n[destination]\n'
        '"Sihanoukville" = { weight = 2.0, country = "KH" }\n',
        encoding="utf-8",
    )
    entries, problems = load_lexicons(tmp_path)
    assert problems == []
    assert [(e.phrase, e.group, e.weight, e.lang, e.line, e.country) for e in entries] == [
        ("việc nhẹ lương cao", "lure", 2.5, "vi", 3, ""),
        ("Sihanoukville", "destination", 2.0, "vi", 6, "KH"),
    ]


def test_an_unknown_group_is_reported_at_its_header(tmp_path: Path) -> None:
    assert _problems(tmp_path, '[lure]\n"a b" = 1\n\n[lures]\n"c d" = 1\n') == [
        (4, f"unknown cue group [lures]; use one of {', '.join(GROUPS)}")
    ]


def test_an_empty_phrase_is_reported(tmp_path: Path) -> None:
    assert _problems(tmp_path, '[lure]\n"ok" = 1\n"  " = 1\n') == [(3, "empty phrase")]


def test_a_phrase_that_normalises_to_another_is_a_duplicate(tmp_path: Path) -> None:
    problems = _problems(tmp_path, '[lure]\n"Fake job" = 1\n\n[victim]\n"fake  JOB" = 1\n')
    assert problems == [(5, "duplicate phrase 'fake  JOB': already in [lure] at line 2")]


def test_phrases_differing_only_in_punctuation_are_duplicates(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path, '[lure]\n"light work high pay" = 3\n"light work, high pay" = 3\n'
    )
    assert problems == [(3, "duplicate phrase 'light work, high pay': already in [lure] at line 2")]


def test_the_same_key_twice_in_a_table_is_a_toml_error_with_its_line(tmp_path: Path) -> None:
    [(line, message)] = _problems(tmp_path, '[lure]\n"fake job" = 1\n"fake job" = 2\n')
    assert line == 3
    assert message.startswith("not valid TOML")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "weight of 'fake job' is 0; use a number above 0 and at most 5"),
        ("-1", "weight of 'fake job' is -1; use a number above 0 and at most 5"),
        ("9.5", "weight of 'fake job' is 9.5; use a number above 0 and at most 5"),
        ('"high"', "weight of 'fake job' must be a number"),
        ("true", "weight of 'fake job' must be a number"),
        ("nan", "weight of 'fake job' is nan; use a number above 0 and at most 5"),
        (
            '{ weight = 1, country = "XX" }',
            "country of 'fake job' must be a known ISO 3166 alpha-2 code, got 'XX'",
        ),
        ("{ weight = 1, colour = 2 }", "unknown field(s) colour; use weight and country"),
    ],
)
def test_a_bad_weight_or_field_is_reported(tmp_path: Path, value: str, message: str) -> None:
    assert _problems(tmp_path, f'[lure]\n"ok" = 1\n"fake job" = {value}\n') == [(3, message)]


def test_broken_toml_is_reported_with_its_line(tmp_path: Path) -> None:
    [(line, message)] = _problems(tmp_path, '[lure]\n"a b" = 1\n"c d" = \n')
    assert line == 3
    assert "not valid TOML" in message


def test_a_missing_or_empty_folder_is_a_problem(tmp_path: Path) -> None:
    assert [p.message for p in check_lexicons(tmp_path / "nowhere")] == ["lexicon folder not found"]
    assert [p.message for p in check_lexicons(tmp_path)] == [
        "no lexicon files (*.toml) in this folder"
    ]


def test_the_classifier_refuses_to_start_on_a_broken_lexicon(tmp_path: Path) -> None:
    (tmp_path / "en.toml").write_text('[lure]\n"fake job" = "lots"\n', encoding="utf-8")
    with pytest.raises(OperatorFileError) as raised:
        Classifier.from_directory(tmp_path)
    assert (
        str(raised.value)
        == f"{tmp_path / 'en.toml'}:2: error: weight of 'fake job' must be a number"
    )


def test_changing_a_list_changes_the_classifier_without_code(tmp_path: Path) -> None:
    text = "Recruiters offered zorblax jobs in Cambodia."
    (tmp_path / "en.toml").write_text(
        '[destination]\n"Cambodia" = 1.0\n[lure]\n"job offer" = 0.2\n', encoding="utf-8"
    )
    before = Classifier.from_directory(tmp_path).classify("", text)
    (tmp_path / "en.toml").write_text(
        '[destination]\n"Cambodia" = 1.0\n[lure]\n"zorblax jobs" = 3.0\n', encoding="utf-8"
    )
    after = Classifier.from_directory(tmp_path).classify("", text)
    assert not before.alert
    assert after.alert
    assert ("zorblax jobs", "lure", 3.0) in [(c.phrase, c.group, c.weight) for c in after.cues]
