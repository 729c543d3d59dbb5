"""Measure the classifier on labelled news: precision, recall and F1, overall and per language.

Labels follow the development set: 2 = must alert, 0 = must not alert, 1 = related context
(crackdowns, borderline cases) that counts neither way. The report lists the worst mistakes
with the cues behind them, so an operator can see which phrase to add, reweigh or remove, and a
threshold sweep, so the alert threshold can be chosen from data rather than guessed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.classify.classifier import Classifier
from bot.models import Cue, Decision

MUST_ALERT, CONTEXT, MUST_NOT_ALERT = 2, 1, 0
SWEEP = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.48, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8)
WORST = 10


@dataclass(slots=True)
class Counts:
    """Confusion counts of alert decisions against labels 2 (positive) and 0 (negative)."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0

    @property
    def items(self) -> int:
        return self.true_positive + self.false_positive + self.false_negative + self.true_negative

    @property
    def precision(self) -> float:
        alerted = self.true_positive + self.false_positive
        return self.true_positive / alerted if alerted else 1.0

    @property
    def recall(self) -> float:
        relevant = self.true_positive + self.false_negative
        return self.true_positive / relevant if relevant else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, label: int, alert: bool) -> None:
        if label == MUST_ALERT:
            if alert:
                self.true_positive += 1
            else:
                self.false_negative += 1
        elif alert:
            self.false_positive += 1
        else:
            self.true_negative += 1


@dataclass(frozen=True, slots=True)
class Mistake:
    """An item the classifier got wrong, with the evidence it used."""

    item_id: str
    lang: str
    label: int
    score: float
    category: str
    title: str
    cues: tuple[Cue, ...]

    @property
    def kind(self) -> str:
        return "missed" if self.label == MUST_ALERT else "false alarm"


@dataclass(frozen=True, slots=True)
class Scored:
    item_id: str
    lang: str
    label: int
    score: float


@dataclass(slots=True)
class EvalReport:
    """Everything `alertbot eval` prints."""

    alert_threshold: float
    review_threshold: float
    overall: Counts = field(default_factory=Counts)
    by_language: dict[str, Counts] = field(default_factory=dict)
    decisions: dict[int, dict[str, int]] = field(default_factory=dict)
    mistakes: list[Mistake] = field(default_factory=list)
    scored: list[Scored] = field(default_factory=list)
    context_items: int = 0

    def sweep(self) -> list[tuple[float, Counts]]:
        """Counts at other alert thresholds, from the same scores."""
        rows = []
        for threshold in SWEEP:
            counts = Counts()
            for item in self.scored:
                counts.add(item.label, item.score >= threshold)
            rows.append((threshold, counts))
        return rows


def evaluate(classifier: Classifier, records: Iterable[Mapping[str, Any]]) -> EvalReport:
    """Classify every labelled record; label-1 records are classified but not counted."""
    report = EvalReport(classifier.alert_threshold, classifier.review_threshold)
    for record in records:
        label = int(record["label"])
        lang = str(record.get("lang") or "und")
        verdict = classifier.classify(
            str(record.get("title", "")), str(record.get("text", "")), lang
        )
        per_label = report.decisions.setdefault(label, {d.value: 0 for d in Decision})
        per_label[verdict.decision.value] += 1
        if label == CONTEXT:
            report.context_items += 1
            continue
        item_id = str(record.get("id", ""))
        report.overall.add(label, verdict.alert)
        report.by_language.setdefault(verdict.lang, Counts()).add(label, verdict.alert)
        report.scored.append(Scored(item_id, verdict.lang, label, verdict.score))
        if verdict.alert != (label == MUST_ALERT):
            report.mistakes.append(
                Mistake(
                    item_id,
                    verdict.lang,
                    label,
                    verdict.score,
                    verdict.category.value,
                    str(record.get("title", "")),
                    verdict.cues,
                )
            )
    report.mistakes.sort(key=_badness, reverse=True)
    return report


def _badness(mistake: Mistake) -> float:
    """How far on the wrong side of the line: a false alarm at 0.95 is worse than one at 0.55."""
    return mistake.score if mistake.label == MUST_NOT_ALERT else 1.0 - mistake.score


def read_records(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Labelled records of a JSON Lines file, and a message for every line that is not one."""
    records: list[dict[str, Any]] = []
    errors: list[str] = []
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{path}:{number}: not JSON ({exc.msg})")
                continue
            problem = _record_problem(record)
            if problem:
                errors.append(f"{path}:{number}: {problem}")
                continue
            records.append(record)
    return records, errors


def _record_problem(record: object) -> str:
    if not isinstance(record, dict):
        return "not a JSON object"
    if record.get("label") not in (MUST_ALERT, CONTEXT, MUST_NOT_ALERT):
        return "label must be 0, 1 or 2"
    for name in ("title", "text"):
        if not isinstance(record.get(name, ""), str):
            return f"{name} must be a string"
    return ""


def format_report(report: EvalReport) -> str:
    """The report as a plain-text table for a terminal."""
    lines = [
        f"alert threshold {report.alert_threshold:g}, review threshold "
        f"{report.review_threshold:g}; {report.overall.items} items counted, "
        f"{report.context_items} label-1 items not counted",
        "",
        f"{'language':<10}{'items':>6}{'TP':>5}{'FP':>5}{'FN':>5}{'TN':>5}"
        f"{'precision':>11}{'recall':>8}{'F1':>7}",
    ]
    rows = [("overall", report.overall), *sorted(report.by_language.items())]
    for name, counts in rows:
        lines.append(
            f"{name:<10}{counts.items:>6}{counts.true_positive:>5}{counts.false_positive:>5}"
            f"{counts.false_negative:>5}{counts.true_negative:>5}{counts.precision:>11.3f}"
            f"{counts.recall:>8.3f}{counts.f1:>7.3f}"
        )
    lines += ["", "decisions by label (alert / review / drop):"]
    for label in sorted(report.decisions, reverse=True):
        d = report.decisions[label]
        lines.append(f"  label {label}: {d['alert']} / {d['review']} / {d['drop']}")
    lines += ["", "threshold sweep:", f"  {'alert at':<10}{'precision':>10}{'recall':>8}{'F1':>7}"]
    for threshold, counts in report.sweep():
        lines.append(
            f"  {threshold:<10g}{counts.precision:>10.3f}{counts.recall:>8.3f}{counts.f1:>7.3f}"
        )
    lines += ["", f"worst mistakes ({min(WORST, len(report.mistakes))} of {len(report.mistakes)}):"]
    for mistake in report.mistakes[:WORST]:
        cues = ", ".join(f"{c.phrase} ({c.group} {c.weight:g})" for c in mistake.cues) or "none"
        lines.append(
            f"  {mistake.kind:<12}{mistake.item_id} [{mistake.lang}] score {mistake.score:.2f} "
            f"{mistake.category}: {mistake.title[:70]}"
        )
        lines.append(f"{'':16}cues: {cues}")
    return "\n".join(lines)


def report_to_json(report: EvalReport) -> dict[str, Any]:
    """The same report as one JSON-serialisable object."""
    return {
        "alert_threshold": report.alert_threshold,
        "review_threshold": report.review_threshold,
        "overall": _counts_json(report.overall),
        "by_language": {lang: _counts_json(c) for lang, c in sorted(report.by_language.items())},
        "context_items": report.context_items,
        "decisions": {str(label): dict(d) for label, d in sorted(report.decisions.items())},
        "sweep": [{"threshold": t, **_counts_json(c)} for t, c in report.sweep()],
        "mistakes": [
            {
                "id": m.item_id,
                "lang": m.lang,
                "kind": m.kind,
                "label": m.label,
                "score": m.score,
                "category": m.category,
                "title": m.title,
                "cues": [
                    {"phrase": c.phrase, "group": c.group, "weight": c.weight} for c in m.cues
                ],
            }
            for m in report.mistakes
        ],
    }


def _counts_json(counts: Counts) -> dict[str, Any]:
    return {
        "items": counts.items,
        "true_positive": counts.true_positive,
        "false_positive": counts.false_positive,
        "false_negative": counts.false_negative,
        "true_negative": counts.true_negative,
        "precision": round(counts.precision, 4),
        "recall": round(counts.recall, 4),
        "f1": round(counts.f1, 4),
    }
