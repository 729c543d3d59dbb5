"""`alertbot classify`: JSON Lines in, one verdict per line out, bad lines named and skipped."""

from __future__ import annotations

import io
import json

from bot.classify import Classifier, verdict_to_json
from bot.classify.cli_support import classify_jsonl
from bot.models import Category, Cue, Decision, Verdict


def test_verdict_json_follows_the_output_contract() -> None:
    verdict = Verdict(
        alert=True,
        score=0.91,
        category=Category.RECRUITMENT_LURE,
        lang="vi",
        cues=(Cue("việc nhẹ lương cao", "lure", 3.0), Cue("Campuchia", "destination", 1.0)),
        countries=("KH",),
        provinces=("tay-ninh",),
        decision=Decision.ALERT,
    )
    assert verdict_to_json("item-1", verdict) == {
        "id": "item-1",
        "alert": True,
        "score": 0.91,
        "category": "recruitment_lure",
        "decision": "alert",
        "cues": ["việc nhẹ lương cao", "Campuchia"],
        "lang": "vi",
        "countries": ["KH"],
        "provinces": ["tay-ninh"],
        "cue_details": [
            {"phrase": "việc nhẹ lương cao", "group": "lure", "weight": 3.0},
            {"phrase": "Campuchia", "group": "destination", "weight": 1.0},
        ],
    }


def test_each_input_line_gives_one_output_line(classifier: Classifier) -> None:
    lines = [
        {
            "id": "1",
            "title": "Việc nhẹ lương cao ở Campuchia",
            "text": "Bị bán cho công ty lừa đảo.",
        },
        {"id": 2, "title": "Phishing", "summary": "Never share your OTP.", "lang": "en"},
    ]
    stream = io.StringIO("\n".join(json.dumps(line, ensure_ascii=False) for line in lines))
    out = io.StringIO()
    assert classify_jsonl(classifier, stream, out, io.StringIO()) == 0
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert (first["id"], first["alert"], first["lang"], first["countries"]) == (
        "1",
        True,
        "vi",
        ["KH"],
    )
    assert (second["id"], second["alert"], second["lang"]) == ("2", False, "en")


def test_a_malformed_line_is_named_on_stderr_and_the_rest_still_classified(
    classifier: Classifier,
) -> None:
    stream = io.StringIO(
        '{"id": "ok", "title": "a", "text": "b"}\n{oops\n["list"]\n\n{"id": "x", "title": 5}\n'
    )
    out, err = io.StringIO(), io.StringIO()
    assert classify_jsonl(classifier, stream, out, err) == 1
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == ["ok"]
    messages = err.getvalue().splitlines()
    assert messages[0].startswith("line 2: not JSON")
    assert messages[1] == "line 3: not a JSON object; skipped"
    assert messages[2] == 'line 5: "title" must be a string; skipped'


def test_null_title_or_text_counts_as_empty(classifier: Classifier) -> None:
    stream = io.StringIO(
        '{"id": "n", "title": null, "text": "Cambodia scam compound victims rescued"}\n'
    )
    out = io.StringIO()
    assert classify_jsonl(classifier, stream, out, io.StringIO()) == 0
    assert json.loads(out.getvalue())["id"] == "n"
