"""The classifier benchmark stays runnable and ends with its JSON line."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from .conftest import REPO


def test_benchmark_ends_with_one_json_object(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = REPO / "benchmarks" / "classify.py"
    spec = importlib.util.spec_from_file_location("classify_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "_python_loop_seconds", lambda: 1.0)  # takes seconds; untested
    module.main(["--items", "40", "--lexicons", str(Path(REPO / "lexicons"))])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["bench"] == "classify"
    assert result["items_per_s"] > 0 and result["naive_items_per_s"] > 0
    assert result["speedup"] > 1
