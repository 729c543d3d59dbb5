"""The error answers of the fake Bot API, worded exactly as Telegram words them.

Every failure a method can produce is an `ApiError`; the server turns it into Telegram's
`{"ok": false, "error_code": …, "description": …, "parameters": …}` with the same HTTP status,
which is all PTB looks at to choose `BadRequest`, `Forbidden`, `RetryAfter`, `ChatMigrated`, ….
"""

from __future__ import annotations

import json
from typing import Any


class ApiError(Exception):
    """A Bot API error answer: HTTP status, Telegram's description, optional parameters."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            answer["parameters"] = self.parameters
        return answer

    def body(self) -> bytes:
        return json.dumps(self.to_json(), ensure_ascii=False).encode("utf-8")

    @classmethod
    def bad_request(cls, text: str) -> ApiError:
        return cls(400, f"Bad Request: {text}")

    @classmethod
    def forbidden(cls, text: str) -> ApiError:
        return cls(403, f"Forbidden: {text}")

    @classmethod
    def conflict(cls, text: str) -> ApiError:
        return cls(409, f"Conflict: {text}")

    @classmethod
    def not_found(cls) -> ApiError:
        return cls(404, "Not Found")

    @classmethod
    def unauthorized(cls) -> ApiError:
        return cls(401, "Unauthorized")

    @classmethod
    def too_many_requests(cls, retry_after: int) -> ApiError:
        retry_after = max(1, int(retry_after))
        return cls(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )

    @classmethod
    def migrated(cls, new_chat_id: int) -> ApiError:
        return cls(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            {"migrate_to_chat_id": new_chat_id},
        )

    @classmethod
    def chat_not_found(cls) -> ApiError:
        return cls.bad_request("chat not found")
