"""The CAP 1.2 schema, loaded once, for tests that validate what we publish."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

CAP_XSD = Path(__file__).resolve().parent / "data" / "CAP-v1.2.xsd"


class CapSchema:
    """The OASIS schema; `errors` lists why a document is not valid CAP 1.2 (empty if it is)."""

    def __init__(self, schema: Any) -> None:
        self._schema = schema

    def errors(self, document: bytes) -> list[str]:
        return [str(error) for error in self._schema.iter_errors(io.BytesIO(document))]


@pytest.fixture(scope="session")
def cap_schema() -> CapSchema:
    xmlschema = pytest.importorskip(
        "xmlschema", reason="xmlschema (a dev dependency) validates CAP messages"
    )
    return CapSchema(xmlschema.XMLSchema10(str(CAP_XSD)))
