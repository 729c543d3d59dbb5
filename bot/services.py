"""What Telegram handlers and jobs may use, built once by the composition root (`bot.app`).

Handlers find it in `context.bot_data`; nothing else reaches for settings or the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.metrics import Metrics
from bot.store.alerts import AlertRepository
from bot.store.chats import ChatRepository

if TYPE_CHECKING:
    from bot.classify import Classifier
    from bot.deliver.sender import Sender
    from bot.render import ReloadingRenderer, Renderer

SERVICES_KEY = "services"
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Services:
    engine: AsyncEngine
    chats: ChatRepository
    alerts: AlertRepository
    classifier: Classifier
    renderers: ReloadingRenderer
    sender: Sender
    admin_ids: frozenset[int]
    metrics: Metrics
    clock: Clock = utc_now

    @property
    def renderer(self) -> Renderer:
        """The last good templates and catalogs (hot-reloaded)."""
        return self.renderers.current


def services_from(bot_data: dict[str, Any]) -> Services:
    services = bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    return services
