"""The error hierarchy, drawn once here so that every boundary translates into it.

    AlertBotError                 anything the bot reports in plain words
    ├── ConfigError               settings missing or wrong (exit code 2 at start)
    ├── OperatorFileError         a feed file, lexicon, template or hotline file is broken;
    │                             carries every `Problem` found, each with file and line
    ├── StoreUnavailable          the database cannot be reached (URL shown without password)
    └── FeedError                 one feed could not be fetched or parsed (health, not a crash)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in an operator's file, located so it can be fixed without guessing."""

    file: str
    line: int
    message: str
    severity: str = "error"  # "error" stops the bot; "warning" is only reported

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message}"


class AlertBotError(Exception):
    """Base for errors the bot reports in plain words."""


class ConfigError(AlertBotError):
    """A setting is missing or wrong; the message names the setting."""


class OperatorFileError(AlertBotError):
    """An operator-edited file is broken; `problems` says where and how."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class StoreUnavailable(AlertBotError):
    """The database cannot be reached or migrated."""


class FeedError(AlertBotError):
    """A feed failed; the message is the plain-words reason shown in feed health."""
