"""The `alertbot` command as operators use it: exit codes, plain one-line errors, contracts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test starts from the shipped files and no .env, in an empty working folder."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "POLL_INTERVAL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FEEDS_PATH", str(REPO / "feeds"))
    monkeypatch.setenv("TEMPLATES_PATH", str(REPO / "templates"))
    monkeypatch.setenv("LEXICONS_PATH", str(REPO / "lexicons"))
    monkeypatch.setenv("HOTLINES_PATH", str(REPO / "hotlines" / "hotlines.yaml"))
    monkeypatch.setenv("LOCALES_PATH", str(REPO / "locales"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/bot.sqlite3")


def test_run_without_a_token_exits_2_naming_the_setting_and_botfather(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "TELEGRAM_BOT_TOKEN" in error and "@BotFather" in error


def test_a_malformed_token_is_refused_without_being_echoed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-token-but-a-secret-anyway")
    assert main(["run"]) == 2
    error = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN" in error and "not-a-token-but-a-secret-anyway" not in error


def test_a_wrong_setting_exits_2_with_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POLL_INTERVAL", "soon")
    assert main(["check"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: POLL_INTERVAL") and len(error.splitlines()) == 1


def test_an_unreachable_database_exits_2_without_showing_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:s3cret-pw@127.0.0.1:1/alerts")
    assert main(["run"]) == 2
    error = capsys.readouterr().err
    assert "127.0.0.1:1" in error and "s3cret-pw" not in error and TOKEN not in error


def test_check_passes_on_the_shipped_operator_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert "0 error(s)" in capsys.readouterr().out


def test_check_names_file_and_line_of_a_broken_feed_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "local.toml").write_text(
        '[[feed]]\nurl = "https://news.example.org/rss"\nname = "A"\nlang = "vi"\ncountry = "VN"\n'
        '\n[[feed]]\nurl = "ftp://news.example.org/rss"\nname = "B"\nlang = "vi"\ncountry = "VN"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("FEEDS_PATH", str(feeds))
    assert main(["check"]) == 1
    output = capsys.readouterr().out
    assert any(line.startswith(f"{feeds / 'local.toml'}:") for line in output.splitlines())


def test_check_names_file_and_line_of_a_broken_template(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    welcome = templates / "en" / "welcome.html"
    welcome.write_text(welcome.read_text(encoding="utf-8") + "\n{% if %}\n", encoding="utf-8")
    monkeypatch.setenv("TEMPLATES_PATH", str(templates))
    assert main(["check"]) == 1
    assert "welcome.html:" in capsys.readouterr().out


def test_classify_answers_json_lines_in_order_with_the_contract_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "items.jsonl"
    source.write_text(
        "\n".join(
            json.dumps(item, ensure_ascii=False)
            for item in [
                {"id": "a", "title": "Tuyển gấp việc nhẹ lương cao ở Campuchia, bao vé máy bay",
                 "text": "Môi giới hứa lương 2.000 USD/tháng, không cần kinh nghiệm.",
                 "lang": "vi"},
                {"id": "b", "title": "Local football club wins the regional cup", "text": ""},
                {"id": "c", "title": "Lowongan kerja ringan gaji tinggi di Kamboja",
                 "text": "Korban dijanjikan gaji besar lalu dipaksa menipu secara daring."},
            ]
        ),
        encoding="utf-8",
    )  # fmt: skip
    assert main(["classify", str(source)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["id"] for row in rows] == ["a", "b", "c"]
    for row in rows:
        assert isinstance(row["alert"], bool) and 0.0 <= row["score"] <= 1.0
        assert row["category"] in {"recruitment_lure", "trafficking_victims", "crackdown",
                                   "not_relevant"}
        assert isinstance(row["cues"], list) and isinstance(row["lang"], str)
    assert [row["alert"] for row in rows] == [True, False, True]
    assert rows[2]["lang"] == "id"


def test_classify_reports_a_malformed_line_and_keeps_going(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "items.jsonl"
    source.write_text('{"id": "x", "title": "ok", "text": ""}\n{not json\n', encoding="utf-8")
    assert main(["classify", str(source)]) == 1
    captured = capsys.readouterr()
    assert [json.loads(line)["id"] for line in captured.out.splitlines()] == ["x"]
    assert "line 2" in captured.err


def test_python_dash_m_bot_is_the_same_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "classify", "-"],
        input='{"id": "1", "title": "Weather is mild this week", "text": ""}\n',
        capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "1"
