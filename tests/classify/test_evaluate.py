"""`alertbot eval`: precision and recall from labelled items, and the mistakes behind them."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bot.classify import Classifier
from bot.classify.cli_support import run_eval
from bot.classify.evaluate import Counts, evaluate, format_report, report_to_json

RECORDS = [
    {"id": "a", "lang": "en", "label": 2, "title": "Lured by fake job offers to Cambodia",
     "text": "They were trafficked to a scam compound and forced to work."},
    {"id": "b", "lang": "en", "label": 2, "title": "Workers rescued",
     "text": "The workers came home safely from the factory trip."},
    {"id": "c", "lang": "en", "label": 0, "title": "Bank warns of phishing",
     "text": "Never share your one-time password."},
    {"id": "d", "lang": "en", "label": 1, "title": "Police raid scam compound in Cambodia",
     "text": "Hundreds were arrested."},
]  # fmt: skip


def test_counts_give_precision_recall_and_f1() -> None:
    counts = Counts(true_positive=8, false_positive=2, false_negative=2, true_negative=5)
    assert (counts.precision, counts.recall, round(counts.f1, 3)) == (0.8, 0.8, 0.8)
    assert counts.items == 17


def test_empty_counts_do_not_divide_by_zero() -> None:
    assert (Counts().precision, Counts().recall, Counts().f1) == (1.0, 1.0, 1.0)


def test_label_one_is_classified_but_not_counted(classifier: Classifier) -> None:
    report = evaluate(classifier, RECORDS)
    assert report.context_items == 1
    assert report.overall.items == 3
    assert sum(report.decisions[1].values()) == 1


def test_a_missed_warning_is_listed_with_its_cues(classifier: Classifier) -> None:
    report = evaluate(classifier, RECORDS)
    assert (report.overall.true_positive, report.overall.false_negative) == (1, 1)
    assert [(m.item_id, m.kind) for m in report.mistakes] == [("b", "missed")]
    assert report.by_language["en"].true_negative == 1


def test_text_report_shows_the_table_the_sweep_and_the_mistakes(classifier: Classifier) -> None:
    text = format_report(evaluate(classifier, RECORDS))
    assert "precision" in text and "recall" in text and "F1" in text
    assert "threshold sweep" in text
    assert "missed      b [en]" in text


def test_json_report_has_the_same_figures(classifier: Classifier) -> None:
    report = report_to_json(evaluate(classifier, RECORDS))
    assert report["overall"]["true_positive"] == 1
    assert report["by_language"]["en"]["items"] == 3
    assert report["mistakes"][0]["id"] == "b"
    assert json.loads(json.dumps(report)) == report


def test_run_eval_reports_bad_lines_and_still_evaluates_the_rest(
    classifier: Classifier, tmp_path: Path
) -> None:
    path = tmp_path / "labelled.jsonl"
    lines = [json.dumps(RECORDS[0]), "{not json", json.dumps({"id": "x", "label": 7}), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_eval(classifier, path, as_json=True, out_stream=out, err_stream=err) == 1
    assert json.loads(out.getvalue())["overall"]["items"] == 1
    assert f"{path}:2: not JSON" in err.getvalue()
    assert f"{path}:3: label must be 0, 1 or 2" in err.getvalue()


def test_run_eval_on_a_missing_file_says_so(classifier: Classifier, tmp_path: Path) -> None:
    err = io.StringIO()
    status = run_eval(classifier, tmp_path / "nope.jsonl", False, io.StringIO(), err)
    assert status == 1
    assert "cannot read" in err.getvalue()
