"""The review queue: borderline items an operator approves, rejects or recategorises.

An item enters the queue when the pipeline records its verdict with `review_state` "pending"
(see `AlertRepository.record_verdict`). Deciding takes it out of the queue and writes a row to
`review_decisions` naming the operator, so every published or refused item can be traced to a
person. Approval itself (writing the alert and its outbox) is `AlertRepository.issue_alert`;
the caller passes the new alert's id to `decide` so both are linked in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.models import Cue
from bot.store.schema import items, review_decisions, verdicts

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
# Actions recorded in `review_decisions`; recategorising keeps the item in the queue.
APPROVE, REJECT, RECATEGORISE = "approve", "reject", "recategorise"
_FINAL_STATE = {APPROVE: APPROVED, REJECT: REJECTED}
# Callback data must fit in 64 bytes, so buttons carry at most this much of an item id.
REFERENCE_LENGTH = 40


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A queued item with the evidence an operator needs to decide."""

    item_id: str
    story_id: str
    title: str
    summary: str
    url: str
    source: str
    lang: str
    published: datetime | None
    score: float
    category: str
    cues: tuple[Cue, ...]
    countries: tuple[str, ...]
    provinces: tuple[str, ...]
    queued_at: datetime

    @property
    def reference(self) -> str:
        """A short handle for buttons; `ReviewQueue.get` accepts it."""
        return self.item_id[:REFERENCE_LENGTH]


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    item_id: str
    action: str
    category: str
    alert_id: int | None
    decided_by: int
    decided_at: datetime


def _cues(raw: object) -> tuple[Cue, ...]:
    rows = raw if isinstance(raw, list) else []
    return tuple(Cue(str(r[0]), str(r[1]), float(r[2])) for r in rows if len(r) == 3)


def _review_item(row: sa.Row[tuple[object, ...]]) -> ReviewItem:
    return ReviewItem(
        item_id=row.item_id,
        story_id=row.story_id,
        title=row.title,
        summary=row.summary,
        url=row.url,
        source=row.source,
        lang=row.lang,
        published=row.published,
        score=float(row.score),
        category=row.category,
        cues=_cues(row.cues),
        countries=tuple(row.countries or ()),
        provinces=tuple(row.provinces or ()),
        queued_at=row.created_at,
    )


def _queue_query() -> sa.Select[tuple[object, ...]]:
    return sa.select(
        items.c.item_id,
        items.c.story_id,
        items.c.title,
        items.c.summary,
        items.c.url,
        items.c.source,
        items.c.lang,
        items.c.published,
        verdicts.c.score,
        verdicts.c.category,
        verdicts.c.cues,
        verdicts.c.countries,
        verdicts.c.provinces,
        verdicts.c.created_at,
    ).join(verdicts, verdicts.c.item_id == items.c.item_id)


class ReviewQueue:
    """Reads the queue and records decisions; `now` is passed in so tests control time."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def next_pending(self, *, after: str | None = None) -> ReviewItem | None:
        """The oldest pending item; with `after`, the next one queued after that item."""
        query = _queue_query().where(verdicts.c.review_state == PENDING)
        if after is not None:
            current = await self.get(after)
            if current is not None:
                query = query.where(
                    sa.or_(
                        verdicts.c.created_at > current.queued_at,
                        sa.and_(
                            verdicts.c.created_at == current.queued_at,
                            items.c.item_id > current.item_id,
                        ),
                    )
                )
        query = query.order_by(verdicts.c.created_at, items.c.item_id).limit(1)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).first()
        return _review_item(row) if row else None

    async def count_pending(self) -> int:
        async with self._engine.connect() as connection:
            count = await connection.scalar(
                sa.select(sa.func.count()).where(verdicts.c.review_state == PENDING)
            )
        return int(count or 0)

    async def get(self, reference: str) -> ReviewItem | None:
        """The item a button refers to (its id, or the first `REFERENCE_LENGTH` characters)."""
        if not reference:
            return None
        query = _queue_query().where(items.c.item_id.startswith(reference, autoescape=True))
        async with self._engine.connect() as connection:
            row = (await connection.execute(query.order_by(items.c.item_id).limit(1))).first()
        return _review_item(row) if row else None

    async def state(self, item_id: str) -> str | None:
        async with self._engine.connect() as connection:
            value = await connection.scalar(
                sa.select(verdicts.c.review_state).where(verdicts.c.item_id == item_id)
            )
        return None if value is None else str(value)

    async def decide(
        self,
        item_id: str,
        action: str,
        *,
        category: str,
        decided_by: int,
        now: datetime,
        alert_id: int | None = None,
    ) -> bool:
        """Record a decision; False when the item is no longer pending (someone was faster).

        Approve and reject take the item out of the queue; recategorise changes the category
        it will be published under and leaves it queued.
        """
        if action not in (APPROVE, REJECT, RECATEGORISE):
            raise ValueError(f"not a review action: {action!r}")
        values: dict[str, object] = {"category": category}
        if action in _FINAL_STATE:
            values.update(
                review_state=_FINAL_STATE[action], reviewed_by=decided_by, reviewed_at=now
            )
        async with self._engine.begin() as connection:
            changed = await connection.execute(
                sa.update(verdicts)
                .where(verdicts.c.item_id == item_id, verdicts.c.review_state == PENDING)
                .values(**values)
            )
            if changed.rowcount == 0:
                return False
            await connection.execute(
                sa.insert(review_decisions).values(
                    item_id=item_id,
                    action=action,
                    category=category,
                    alert_id=alert_id,
                    decided_by=decided_by,
                    decided_at=now,
                )
            )
        return True

    async def decisions(self, item_id: str) -> list[ReviewDecision]:
        """The audit trail of one item, oldest first."""
        async with self._engine.connect() as connection:
            rows = await connection.execute(
                sa.select(review_decisions)
                .where(review_decisions.c.item_id == item_id)
                .order_by(review_decisions.c.decision_id)
            )
            return [
                ReviewDecision(
                    item_id=row.item_id,
                    action=row.action,
                    category=row.category,
                    alert_id=row.alert_id,
                    decided_by=row.decided_by,
                    decided_at=row.decided_at,
                )
                for row in rows
            ]
