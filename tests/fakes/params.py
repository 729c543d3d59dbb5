"""Bot API request parameters, read the way Telegram reads them whatever the encoding.

PTB's HTTPXRequest sends form fields (`application/x-www-form-urlencoded`) whose values are
strings, JSON-encoded when they are not strings already (`"true"`, `"42"`, `'{"inline_keyboard":
…}'`), or `multipart/form-data` with the same fields plus the uploaded files. Other clients send
a JSON body or a query string. `Params` hides the difference: typed getters accept both the
string and the native form, and fields that are JSON objects in the Bot API are decoded once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from tests.fakes.errors import ApiError

_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)
_DISPOSITION_NAME = re.compile(r'(?:^|;)\s*name="([^"]*)"')
_DISPOSITION_FILENAME = re.compile(r'(?:^|;)\s*filename="([^"]*)"')

# Fields that the Bot API documents as JSON-serialised objects or arrays.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "link_preview_options",
        "allowed_updates",
        "commands",
        "scope",
        "results",
        "reply_parameters",
        "button",
        "media",
        "menu_button",
        "rights",
    }
)

_JSON_FIELD_NAMES = {
    "reply_markup": "reply keyboard markup",
    "link_preview_options": "link preview",
}


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """One file part of a multipart request, kept byte for byte."""

    field: str
    filename: str
    content_type: str
    data: bytes


class Params:
    """The parameters of one request, with typed access that answers like Telegram on bad input."""

    def __init__(
        self, values: Mapping[str, Any], files: Mapping[str, UploadedFile] | None = None
    ) -> None:
        self.values: dict[str, Any] = dict(values)
        self.files: dict[str, UploadedFile] = dict(files or {})

    def __contains__(self, name: str) -> bool:
        return name in self.values or name in self.files

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError.bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    def get_json(self, name: str) -> Any:
        """The decoded value of a JSON field, or None when absent."""
        return self.values.get(name)

    def get_file(self, name: str) -> UploadedFile | None:
        """The uploaded file for `name`, following `attach://` references."""
        if name in self.files:
            return self.files[name]
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.files.get(value.removeprefix("attach://"))
        return None

    def to_json(self) -> dict[str, Any]:
        """The values, with files shown by name and size, for recording and the control API."""
        shown = dict(self.values)
        for name, upload in self.files.items():
            shown[name] = f"<file {upload.filename!r}, {len(upload.data)} bytes>"
        return shown


def parse_params(content_type: str, body: bytes, query: str) -> Params:
    """Decode a request body of any encoding the Bot API accepts."""
    values: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, UploadedFile] = {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json" and body:
        try:
            decoded = json.loads(body)
        except ValueError:
            raise ApiError.bad_request("can't parse JSON object") from None
        if not isinstance(decoded, dict):
            raise ApiError.bad_request("can't parse JSON object")
        values.update(decoded)
        return Params(values)
    if kind == "multipart/form-data":
        fields, files = _parse_multipart(content_type, body)
        values.update(fields)
    elif body:
        values.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return Params(_decode_json_fields(values), files)


def _decode_json_fields(values: dict[str, Any]) -> dict[str, Any]:
    for name in JSON_FIELDS & values.keys():
        raw = values[name]
        if isinstance(raw, str):
            try:
                values[name] = json.loads(raw)
            except ValueError:
                what = _JSON_FIELD_NAMES.get(name, name)
                raise ApiError.bad_request(f"can't parse {what} JSON object") from None
    return values


def _parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """Split a multipart body by hand: the parts may hold any bytes and must come back intact."""
    boundary = _BOUNDARY.search(content_type)
    if boundary is None:
        raise ApiError.bad_request("can't parse multipart/form-data body")
    delimiter = b"--" + (boundary.group(1) or boundary.group(2)).encode("latin-1")
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, data = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        headers = _part_headers(head)
        disposition = headers.get("content-disposition", "")
        name = _DISPOSITION_NAME.search(disposition)
        if name is None:
            continue
        filename = _DISPOSITION_FILENAME.search(disposition)
        if filename is None:
            fields[name.group(1)] = data.decode("utf-8", "replace")
        else:
            content = headers.get("content-type", "application/octet-stream")
            files[name.group(1)] = UploadedFile(name.group(1), filename.group(1), content, data)
    return fields, files


def _part_headers(head: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in head.decode("utf-8", "replace").split("\r\n"):
        key, sep, value = line.partition(":")
        if sep:
            headers[key.strip().lower()] = value.strip()
    return headers
