"""Shared fixtures: the shipped lexicons compiled once, and where the shared data lives."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.classify import Classifier

REPO = Path(__file__).resolve().parents[2]
LEXICONS = REPO / "lexicons"
SHARED = REPO / ".." / "shared"


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    return Classifier.from_directory(LEXICONS)


def shared_file(relative: str) -> Path:
    """A file of ../shared, or skip the test when the folder is not there."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared folder is not checked out next to the repo)")
    return path
