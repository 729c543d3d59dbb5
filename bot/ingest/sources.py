"""The operator's feed files: `feeds/*.toml`, one set of feeds per file, checked line by line.

    [set]                      # optional: what this file is, and whether it is used
    name = "Vietnam (Vietnamese)"
    enabled = true

    [[feed]]
    url = "https://vnexpress.net/rss/thoi-su.rss"
    name = "VnExpress"
    lang = "vi"                # BCP 47
    country = "VN"             # ISO 3166-1 alpha-2: where the outlet reports from
    tags = ["news"]            # optional
    interval = 900             # optional, seconds; else POLL_INTERVAL
    enabled = true             # optional

Every problem names its file and line, so an operator can fix a file without guessing;
`alertbot check` prints them all, and the bot refuses to start on any error.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from bot.errors import OperatorFileError, Problem
from bot.ingest.normalise import canonical_url
from bot.models import FeedSource

MIN_INTERVAL = 30
MAX_INTERVAL = 86_400
_FILE_KEYS = frozenset({"set", "feed"})
_SET_KEYS = frozenset({"name", "enabled", "description"})
_FEED_KEYS = frozenset({"url", "name", "lang", "country", "tags", "interval", "enabled"})
_REQUIRED = ("url", "name", "lang", "country")
# Codes in CLDR's territory list that are not countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ"})
_TOML_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$")


def load_feed_files(path: Path) -> list[FeedSource]:
    """The enabled feeds of every file under `path` (a folder or one file).

    Raises `OperatorFileError` listing every error found, in every file, at once.
    """
    sources, problems = _read_all(path)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        raise OperatorFileError(errors)
    return sources


def check_feed_files(path: Path) -> list[Problem]:
    """Every problem in the feed files, errors and warnings, for `alertbot check`."""
    return _read_all(path)[1]


def _read_all(path: Path) -> tuple[list[FeedSource], list[Problem]]:
    if not path.exists():
        return [], [Problem(str(path), 0, "no such file or folder; set FEEDS_PATH")]
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    if not files:
        return [], [Problem(str(path), 0, "no *.toml feed files in this folder")]
    sources: list[FeedSource] = []
    problems: list[Problem] = []
    first_seen: dict[str, FeedSource] = {}
    for file in files:
        file_feeds, file_problems = _read_file(file)
        problems += file_problems
        for feed, enabled in file_feeds:
            key = canonical_url(feed.url)
            earlier = first_seen.setdefault(key, feed)
            if earlier is not feed:
                problems.append(
                    Problem(
                        feed.file,
                        feed.line,
                        f"duplicate URL: already listed at {earlier.file}:{earlier.line}; keep one",
                    )
                )
            elif enabled:
                sources.append(feed)
    if not sources and not any(p.severity == "error" for p in problems):
        problems.append(
            Problem(str(path), 0, "no enabled feed: the bot would poll nothing", "warning")
        )
    return sources, problems


@dataclass(slots=True)
class _FileReader:
    """Reads one file; knows where each table and key starts, since tomllib does not say."""

    name: str
    lines: list[str]
    problems: list[Problem]

    def problem(self, line: int, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.name, line, message, severity))

    def table_lines(self, header: str) -> list[int]:
        pattern = re.compile(rf"^\s*{re.escape(header)}\s*(#.*)?$")
        return [number for number, text in enumerate(self.lines, 1) if pattern.match(text)]

    def key_line(self, key: str, start: int) -> int:
        """The line of `key = ...` in the table whose header is on line `start`."""
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            text = self.lines[number - 1]
            if text.lstrip().startswith("["):
                break
            if pattern.match(text):
                return number
        return start


def _read_file(file: Path) -> tuple[list[tuple[FeedSource, bool]], list[Problem]]:
    name = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(name, 0, f"cannot read the file: {exc}")]
    reader = _FileReader(name, text.splitlines(), [])
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        message = _TOML_LINE.sub("", str(exc))
        reader.problem(int(found.group(1)) if found else 0, f"not valid TOML: {message}")
        return [], reader.problems
    for key in sorted(set(document) - _FILE_KEYS):
        reader.problem(
            reader.key_line(key, 0),
            f"unknown key '{key}' (a file has [set] and [[feed]] tables only)",
        )
    enabled = _read_set(reader, document.get("set", {}))
    tables = document.get("feed", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        reader.problem(0, "'feed' must be written as [[feed]] tables")
        return [], reader.problems
    if not tables:
        reader.problem(0, "no [[feed]] table in this file", "warning")
    lines = reader.table_lines("[[feed]]")
    feeds = []
    for table, line in zip(tables, _pad(lines, len(tables)), strict=True):
        feed = _read_feed(reader, table, line)
        if feed is not None:
            feeds.append((feed, enabled and table.get("enabled", True) is True))
    return feeds, reader.problems


def _read_set(reader: _FileReader, table: Any) -> bool:
    if not isinstance(table, dict):
        reader.problem(0, "'set' must be a [set] table")
        return True
    line = next(iter(reader.table_lines("[set]")), 0)
    for key in sorted(set(table) - _SET_KEYS):
        reader.problem(
            reader.key_line(key, line),
            f"unknown key '{key}' in [set] (known: {', '.join(sorted(_SET_KEYS))})",
        )
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        reader.problem(reader.key_line("enabled", line), "'enabled' must be true or false")
        return True
    return enabled


def _read_feed(reader: _FileReader, table: dict[str, Any], line: int) -> FeedSource | None:
    problems_before = len(reader.problems)

    def bad(key: str, message: str) -> None:
        reader.problem(reader.key_line(key, line) if key in table else line, message)

    for key in sorted(set(table) - _FEED_KEYS):
        bad(key, f"unknown key '{key}' (known: {', '.join(sorted(_FEED_KEYS))})")
    for key in _REQUIRED:
        if key not in table:
            bad(key, f"missing '{key}'")
        elif not isinstance(table[key], str) or not table[key].strip():
            bad(key, f"'{key}' must be a non-empty string")
    if reader.problems[problems_before:]:
        return None
    url, lang, country = table["url"].strip(), table["lang"].strip(), table["country"].strip()
    for key, message in _checks(url, lang, country, table):
        bad(key, message)
    if reader.problems[problems_before:]:
        return None
    return FeedSource(
        url=url,
        name=table["name"].strip(),
        lang=lang,
        country=country,
        tags=tuple(table.get("tags", ())),
        interval=table.get("interval"),
        file=reader.name,
        line=line,
    )


def _checks(url: str, lang: str, country: str, table: dict[str, Any]) -> Iterator[tuple[str, str]]:
    if not _is_http_url(url):
        yield "url", f"bad URL '{url}': write an absolute http:// or https:// address"
    if not _is_language(lang):
        yield "lang", f"unknown language '{lang}': use a BCP 47 tag such as vi, km, zh-Hant"
    if not _is_country(country):
        yield (
            "country",
            (
                f"unknown country '{country}': use an ISO 3166 two-letter code in "
                "capitals, such as VN, KH, TH"
            ),
        )
    tags = table.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        yield "tags", '\'tags\' must be a list of strings, such as ["news", "official"]'
    interval = table.get("interval", MIN_INTERVAL)
    if (
        isinstance(interval, bool)
        or not isinstance(interval, int)
        or not (MIN_INTERVAL <= interval <= MAX_INTERVAL)
    ):
        yield (
            "interval",
            (f"'interval' must be whole seconds from {MIN_INTERVAL} to {MAX_INTERVAL}"),
        )
    if not isinstance(table.get("enabled", True), bool):
        yield "enabled", "'enabled' must be true or false"


def _is_http_url(url: str) -> bool:
    if any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _is_language(tag: str) -> bool:
    try:
        Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def _is_country(code: str) -> bool:
    return (
        len(code) == 2
        and code.isascii()
        and code.isupper()
        and code not in _NOT_COUNTRIES
        and code in Locale("en").territories
    )


def _pad(lines: list[int], count: int) -> list[int]:
    """Header lines for `count` tables; 0 where a table was written inline, not as [[feed]]."""
    return (lines + [0] * count)[:count]
