"""The change feed's subscriber: bounded, so a slow client is dropped, not buffered."""

from __future__ import annotations

from uuid import uuid4

from domain.live.feed import Change, Ended, Subscriber, parse_change


def _change() -> Change:
    return Change(uuid4(), "deal", uuid4(), created=False)


async def test_a_subscriber_that_falls_behind_its_backlog_is_ended():
    subscriber = Subscriber(uuid4(), frozenset({"deal"}), backlog=2)
    first = _change()
    subscriber.offer(first)
    subscriber.offer(_change())
    assert await subscriber.next() == first
    subscriber.offer(_change())
    subscriber.offer(_change())  # three not taken: one over the backlog
    assert subscriber.ended is Ended.BEHIND
    assert await subscriber.next() is None


async def test_next_gives_up_after_its_wait():
    subscriber = Subscriber(uuid4(), frozenset({"deal"}), backlog=1)
    assert await subscriber.next(within=0.01) is None and subscriber.ended is None


def test_a_notification_this_version_cannot_read_is_no_change():
    assert parse_change('{"t": "x"}') is None
    tenant, entity = uuid4(), uuid4()
    raw = f'{{"op": "I", "t": "{tenant}", "k": "deal", "id": "{entity}"}}'
    assert parse_change(raw) == Change(tenant, "deal", entity, created=True)
