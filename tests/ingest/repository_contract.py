"""The `FeedRepository` contract, as checks any implementation can be run against.

Each check takes `open_repository`, an async callable returning a repository on the *same*
storage every time it is called: calling it again is how a check simulates a restart. Use:

    @pytest.mark.parametrize("check", CONTRACT, ids=contract_id)
    async def test_sql_feed_repository_meets_the_contract(check, engine):
        await check(lambda: _open(engine))

Every check starts from empty storage.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bot.ingest.repository import FeedRepository, StoryMember
from bot.models import FeedState

OpenRepository = Callable[[], Awaitable[FeedRepository]]
Check = Callable[[OpenRepository], Awaitable[None]]

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
FEED = "https://outlet.example/rss.xml"


def member(
    item_id: str,
    *,
    story_id: str | None = None,
    seen_at: datetime = T0,
    shingles: tuple[int, ...] = (1, 2, 3),
) -> StoryMember:
    return StoryMember(
        item_id=item_id,
        story_id=story_id or item_id,
        feed_url=FEED,
        lang="vi",
        shingles=shingles,
        seen_at=seen_at,
    )


async def check_a_feed_state_round_trips_with_every_field(open_repository: OpenRepository) -> None:
    state = FeedState(
        url=FEED,
        etag='W/"abc"',
        last_modified="Sun, 01 Nov 2026 07:00:00 GMT",
        next_poll_at=T0 + timedelta(minutes=15),
        last_success_at=T0 - timedelta(hours=1),
        last_error="timed out after 20 s",
        last_error_at=T0,
        consecutive_failures=3,
        items_seen=120,
        dead=True,
        dead_notified=True,
    )
    repository = await open_repository()
    await repository.save_feed_states([state])
    assert (await repository.load_feed_states()) == {FEED: state}


async def check_saving_a_state_again_replaces_it(open_repository: OpenRepository) -> None:
    repository = await open_repository()
    await repository.save_feed_states([FeedState(url=FEED, etag='"1"', consecutive_failures=2)])
    await repository.save_feed_states([FeedState(url=FEED, etag=None, consecutive_failures=0)])
    assert (await repository.load_feed_states()) == {FEED: FeedState(url=FEED)}


async def check_a_saved_state_is_not_changed_by_later_edits_of_the_object(
    open_repository: OpenRepository,
) -> None:
    repository = await open_repository()
    state = FeedState(url=FEED, items_seen=1)
    await repository.save_feed_states([state])
    state.items_seen = 99
    assert (await repository.load_feed_states())[FEED].items_seen == 1


async def check_feed_states_survive_a_restart(open_repository: OpenRepository) -> None:
    await (await open_repository()).save_feed_states([FeedState(url=FEED, etag='"v7"')])
    assert (await (await open_repository()).load_feed_states())[FEED].etag == '"v7"'


async def check_a_thousand_states_are_saved_in_one_call(open_repository: OpenRepository) -> None:
    repository = await open_repository()
    await repository.save_feed_states([FeedState(url=f"{FEED}?n={n}") for n in range(1000)])
    await repository.save_feed_states(
        [FeedState(url=f"{FEED}?n={n}", etag=f'"{n}"') for n in range(0, 1000, 2)]
    )
    saved = await repository.load_feed_states()
    assert len(saved) == 1000
    assert saved[f"{FEED}?n=998"].etag == '"998"'
    assert saved[f"{FEED}?n=999"].etag is None


async def check_unseen_ids_are_exactly_those_never_recorded(
    open_repository: OpenRepository,
) -> None:
    repository = await open_repository()
    await repository.record_items([member("a"), member("b")])
    assert await repository.unseen_item_ids(["a", "c", "b", "d"]) == {"c", "d"}
    assert await repository.unseen_item_ids([]) == set()


async def check_dedupe_survives_a_restart(open_repository: OpenRepository) -> None:
    await (await open_repository()).record_items([member("a")])
    assert await (await open_repository()).unseen_item_ids(["a", "b"]) == {"b"}


async def check_recording_an_item_again_changes_nothing(open_repository: OpenRepository) -> None:
    repository = await open_repository()
    await repository.record_items([member("a", story_id="s1")])
    await repository.record_items([member("a", story_id="s2", seen_at=T0 + timedelta(hours=1))])
    assert await repository.story_members_since(T0 - timedelta(days=1)) == [
        member("a", story_id="s1")
    ]


async def check_thousands_of_ids_can_be_asked_about_at_once(
    open_repository: OpenRepository,
) -> None:
    repository = await open_repository()
    await repository.record_items([member(f"seen-{i}") for i in range(1500)])
    asked = [f"seen-{i}" for i in range(1500)] + [f"new-{i}" for i in range(1500)]
    assert await repository.unseen_item_ids(asked) == {f"new-{i}" for i in range(1500)}


async def check_members_since_a_time_come_back_oldest_first(
    open_repository: OpenRepository,
) -> None:
    repository = await open_repository()
    await repository.record_items(
        [
            member("late", seen_at=T0 + timedelta(hours=2)),
            member("too-old", seen_at=T0 - timedelta(days=4)),
            member("early", seen_at=T0),
        ]
    )
    since = await repository.story_members_since(T0)
    assert [m.item_id for m in since] == ["early", "late"]


async def check_members_keep_story_language_signature_and_utc_time(
    open_repository: OpenRepository,
) -> None:
    big = (0, 4_294_967_295, (1 << 40) + 2**31)  # crc32 range and tagged numbers
    recorded = StoryMember(
        item_id="x", story_id="story-1", feed_url=FEED, lang="zh-Hant", shingles=big, seen_at=T0
    )
    await (await open_repository()).record_items([recorded])
    [loaded] = await (await open_repository()).story_members_since(T0)
    assert loaded == recorded
    assert loaded.seen_at.utcoffset() == timedelta(0)


CONTRACT: tuple[Check, ...] = (
    check_a_feed_state_round_trips_with_every_field,
    check_saving_a_state_again_replaces_it,
    check_a_saved_state_is_not_changed_by_later_edits_of_the_object,
    check_feed_states_survive_a_restart,
    check_a_thousand_states_are_saved_in_one_call,
    check_unseen_ids_are_exactly_those_never_recorded,
    check_dedupe_survives_a_restart,
    check_recording_an_item_again_changes_nothing,
    check_thousands_of_ids_can_be_asked_about_at_once,
    check_members_since_a_time_come_back_oldest_first,
    check_members_keep_story_language_signature_and_utc_time,
)


def contract_id(check: Check) -> str:
    return check.__name__.removeprefix("check_")
