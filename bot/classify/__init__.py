"""Classify news items: does this item warn job seekers about scam-compound recruitment?

Pure: no network, no database, no Telegram. The operators' keyword lists (`lexicons/*.toml`)
are read once by `Classifier.from_directory`; after that `classify` is a function of its text.
"""

from bot.classify.classifier import (
    DEFAULT_ALERT_THRESHOLD,
    DEFAULT_REVIEW_THRESHOLD,
    Classifier,
)
from bot.classify.cli_support import verdict_to_json
from bot.classify.lexicons import check_lexicons

__all__ = [
    "DEFAULT_ALERT_THRESHOLD",
    "DEFAULT_REVIEW_THRESHOLD",
    "Classifier",
    "check_lexicons",
    "verdict_to_json",
]
