"""What the public feeds read about issued alerts, as protocols the store implements.

The web side depends on these shapes rather than on `bot.store`, so that the feeds can be
tested with an in-memory list and the store stays free to change its tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, TypeVar


class PublishedAlert(Protocol):
    """One alert the bot has issued to the public, retracted or not."""

    @property
    def alert_id(self) -> int: ...

    @property
    def category(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def url(self) -> str: ...

    @property
    def lang(self) -> str: ...

    @property
    def published(self) -> datetime: ...

    @property
    def created_at(self) -> datetime:
        """When the bot issued the alert: the `sent` time of its CAP message."""
        ...

    @property
    def retracted_at(self) -> datetime | None:
        """When an admin withdrew the alert; the alert is then published as a CAP Cancel."""
        ...

    @property
    def follows_alert_id(self) -> int | None:
        """The earlier alert of the same story this one follows up (a CAP Update), if any."""
        ...


AlertT_co = TypeVar("AlertT_co", bound=PublishedAlert, covariant=True)


class IssuedAlerts(Protocol[AlertT_co]):
    """Read access to issued alerts; drafts, review items and unapproved alerts never appear."""

    async def issued_alerts(self, limit: int) -> Sequence[AlertT_co]:
        """The newest issued alerts, newest first, retracted ones included."""
        ...

    async def issued_alert(self, alert_id: int) -> AlertT_co | None:
        """One issued alert (retracted or not), or None when there is no such public alert."""
        ...
