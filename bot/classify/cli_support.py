"""What `alertbot classify` and `alertbot eval` do, so the CLI only parses arguments.

`alertbot classify` reads JSON Lines items (`id`, `title`, `text` or `summary`, optional
`lang`) and writes one verdict per line. A bad line is reported on standard error with its line
number and skipped; the others are still classified, and the exit code is 1 at the end.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.classify.classifier import Classifier
from bot.classify.evaluate import evaluate, format_report, read_records, report_to_json
from bot.models import Verdict

EXIT_OK, EXIT_PROBLEMS = 0, 1


def verdict_to_json(item_id: str, verdict: Verdict) -> dict[str, Any]:
    """The `alertbot classify` output contract for one item."""
    return {
        "id": item_id,
        "alert": verdict.alert,
        "score": verdict.score,
        "category": verdict.category.value,
        "decision": verdict.decision.value,
        "cues": [cue.phrase for cue in verdict.cues],
        "lang": verdict.lang,
        "countries": list(verdict.countries),
        "provinces": list(verdict.provinces),
        "cue_details": [
            {"phrase": cue.phrase, "group": cue.group, "weight": cue.weight} for cue in verdict.cues
        ],
    }


def classify_jsonl(
    classifier: Classifier, in_stream: TextIO, out_stream: TextIO, err_stream: TextIO | None = None
) -> int:
    """Classify every item of a JSON Lines stream; 1 if any line was bad, else 0."""
    errors = err_stream if err_stream is not None else sys.stderr
    status = EXIT_OK
    for number, line in enumerate(in_stream, start=1):
        if not line.strip():
            continue
        item, problem = _parse_item(line)
        if item is None:
            print(f"line {number}: {problem}; skipped", file=errors)
            status = EXIT_PROBLEMS
            continue
        item_id = str(item.get("id", number))
        text = item.get("text") or item.get("summary") or ""
        verdict = classifier.classify(item.get("title") or "", text, item.get("lang"))
        out_stream.write(json.dumps(verdict_to_json(item_id, verdict), ensure_ascii=False) + "\n")
    return status


def _parse_item(line: str) -> tuple[dict[str, Any] | None, str]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(item, dict):
        return None, "not a JSON object"
    for name in ("title", "text", "summary", "lang"):
        if not isinstance(item.get(name) or "", str):
            return None, f'"{name}" must be a string'
    if not isinstance(item.get("id", ""), str | int):
        return None, '"id" must be a string or a number'
    return item, ""


def run_eval(
    classifier: Classifier,
    path: Path,
    as_json: bool,
    out_stream: TextIO | None = None,
    err_stream: TextIO | None = None,
) -> int:
    """`alertbot eval FILE [--json]`: 1 if the file had bad lines (they are listed), else 0."""
    out = out_stream if out_stream is not None else sys.stdout
    errors = err_stream if err_stream is not None else sys.stderr
    try:
        records, problems = read_records(path)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {path}: {exc}", file=errors)
        return EXIT_PROBLEMS
    for problem in problems:
        print(problem, file=errors)
    report = evaluate(classifier, records)
    if as_json:
        out.write(json.dumps(report_to_json(report), ensure_ascii=False) + "\n")
    else:
        out.write(format_report(report) + "\n")
    return EXIT_PROBLEMS if problems else EXIT_OK
