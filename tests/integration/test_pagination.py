"""Keyset pagination (domain/pagination.py): pages in both directions meet exactly,
ties in the sort key are broken by id, and a bad cursor is the client's error."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain.errors import DomainError
from domain.pagination import PageRequest, paginate
from tenants.models import users

QUERY = sa.select(users.c.id, users.c.email, users.c.name)


@pytest.fixture
async def people(tenant):
    """Seven users; names repeat so that the name sort has ties."""
    for i in range(6):
        await tenant.user("sales_rep", email=f"u{i}@{tenant.slug}.example", name=f"n{i % 2}")
    return tenant


async def _walk(conn, forward: bool, size: int, **sort) -> list:
    pages, cursor = [], None
    while True:
        if forward:
            request = PageRequest(first=size, after=cursor)
        else:
            request = PageRequest(last=size, before=cursor)
        page = await paginate(conn, QUERY, request, id_column=users.c.id, **sort)
        pages.append(page)
        more = page.has_next if forward else page.has_previous
        if not more:
            break
        cursor = page.cursors[-1] if forward else page.cursors[0]
    return pages


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("column", ["email", "name"])
async def test_pages_cover_every_row_once_in_order(people, column, descending):
    sort = {"sort": users.c[column], "descending": descending}
    async with people.session() as conn:
        everything = (await conn.execute(QUERY)).all()
        expected = sorted(everything, key=lambda r: (r._mapping[column], r.id), reverse=descending)
        assert len(expected) == 7

        forward = await _walk(conn, True, 3, **sort)
        assert [len(p.rows) for p in forward] == [3, 3, 1]
        assert [r.id for p in forward for r in p.rows] == [r.id for r in expected]
        assert [p.has_previous for p in forward] == [False, True, True]

        backward = await _walk(conn, False, 3, **sort)
        assert [len(p.rows) for p in backward] == [3, 3, 1]
        assert [r.id for p in reversed(backward) for r in p.rows] == [r.id for r in expected]
        assert [p.has_next for p in backward] == [False, True, True]


async def test_first_zero_and_bad_cursors(people):
    async with people.session() as conn:
        empty = await paginate(
            conn, QUERY, PageRequest(first=0), sort=users.c.email, id_column=users.c.id
        )
        assert empty.rows == [] and empty.has_next
        for cursor in ("garbage!", "bm9wZQ", "WzFd"):  # not base64 JSON; "nope"; [1]
            with pytest.raises(DomainError, match="Invalid cursor"):
                await paginate(
                    conn,
                    QUERY,
                    PageRequest(first=2, after=cursor),
                    sort=users.c.email,
                    id_column=users.c.id,
                )


async def test_a_well_formed_cursor_with_wrong_values_is_the_clients_error(people):
    from domain.pagination import encode_cursor

    async with people.session() as conn:
        for values in (["a@x.example", "not-a-uuid"], [5, "not-a-uuid"], [None, None]):
            with pytest.raises(DomainError, match="Invalid cursor"):
                await paginate(
                    conn,
                    QUERY,
                    PageRequest(first=2, after=encode_cursor(values)),
                    sort=users.c.email,
                    id_column=users.c.id,
                )
