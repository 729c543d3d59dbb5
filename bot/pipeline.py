"""One polling cycle: new items → verdicts → alerts in the outbox.

Every new item is judged, so a story whose first outlet wrote vaguely still alerts when a
second outlet is clear; the outbox's one-alert-per-story rule keeps subscribers from hearing
the same story twice, and later outlets are listed as "also reported by".
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.models import Decision, Item, Verdict

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NewItem:
    """An item seen for the first time, with the story it belongs to."""

    item: Item
    story_id: str


@dataclass(slots=True)
class CycleReport:
    items: int = 0
    alerts: list[int] = field(default_factory=list)
    review: int = 0
    dropped: int = 0


Classify = Callable[[Item], Verdict]


class AlertSink(Protocol):
    """Where verdicts and alerts go: the store in the bot, a printout in `scan --once`."""

    async def record_verdict(self, item: Item, verdict: Verdict, *, now: datetime) -> None: ...

    async def issue_news_alert(
        self,
        item: Item,
        verdict: Verdict,
        *,
        story_id: str,
        also_reported_by: Sequence[str] = (),
        now: datetime,
    ) -> int | None: ...

    async def add_outlet(self, story_id: str, source: str) -> None: ...

    async def unjudged_items(self) -> list[tuple[Item, str]]: ...


async def run_cycle(
    poll: Callable[[], Awaitable[Sequence[NewItem]]],
    classify: Classify,
    sink: AlertSink,
    clock: Callable[[], datetime],
) -> CycleReport:
    """Judge what a crash left unjudged, then what the feeds bring now.

    An alert is written before its verdict: if the process dies between the two, the item
    is judged again after the restart and the story's one-alert rule prevents a second alert.
    """
    report = CycleReport()
    leftovers = [NewItem(item, story_id) for item, story_id in await sink.unjudged_items()]
    for new in [*leftovers, *await poll()]:
        report.items += 1
        verdict = classify(new.item)
        now = clock()
        if verdict.decision == Decision.ALERT:
            alert_id = await sink.issue_news_alert(
                new.item, verdict, story_id=new.story_id, now=now
            )
            if alert_id is None:
                await sink.add_outlet(new.story_id, new.item.source)
            else:
                report.alerts.append(alert_id)
                log.info("alert issued", extra={"alert_id": alert_id, "feed": new.item.feed_url})
        elif verdict.decision == Decision.REVIEW:
            report.review += 1
        else:
            report.dropped += 1
        await sink.record_verdict(new.item, verdict, now=now)
    return report
