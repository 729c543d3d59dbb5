"""The development set of real news meets the targets (read in place from ../shared)."""

from __future__ import annotations

import json

from bot.classify import Classifier
from bot.classify.evaluate import evaluate

from .conftest import shared_file


def test_dev_set_precision_and_recall_meet_the_targets(classifier: Classifier) -> None:
    path = shared_file("eval/dev_news.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    report = evaluate(classifier, records)
    assert report.overall.precision >= 0.95
    assert report.overall.recall >= 0.95
    for lang, counts in report.by_language.items():
        if counts.items >= 15:
            assert counts.precision >= 0.90, lang
            assert counts.recall >= 0.90, lang
