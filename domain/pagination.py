"""Keyset pagination: `first/after` and `last/before` over (sort key, id).

Cursors are opaque base64 of the sort key values. Offset pagination is not offered:
it gets slower with every page and skips rows when data changes.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson
import sqlalchemy as sa

from domain.errors import DomainError
from domain.storable import INT4, INT8, problem


@dataclass(frozen=True)
class PageRequest:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    @property
    def backwards(self) -> bool:
        return self.last is not None

    @property
    def limit(self) -> int:
        return self.last if self.last is not None else (self.first or 0)


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    cursors: list[str]
    has_next: bool
    has_previous: bool
    # the list's rows in all, whatever page this is: counted when first awaited
    total: Callable[[], Awaitable[int]]


def count_statement(query: sa.Select[Any]) -> sa.Select[Any]:
    """How many rows a list's `query` finds in all: the same conditions as its pages
    (record scope, filter), no cursor and no limit. Around the query rather than in place
    of its columns, so a query that groups or joins counts what it lists."""
    return sa.select(sa.func.count()).select_from(query.order_by(None).subquery("listed"))


class Total:
    """A list's row count (`count_statement`), sent once when first awaited, never when
    nobody asks: a page whose client did not select `totalCount` costs no count."""

    def __init__(self, conn: Any, query: sa.Select[Any]) -> None:
        self._conn, self._query = conn, query
        self._value: int | None = None
        self._lock = asyncio.Lock()  # two aliases of one count wait for one statement

    async def __call__(self) -> int:
        async with self._lock:
            if self._value is None:
                self._value = int(await self._conn.scalar(count_statement(self._query)))
        return self._value


def _encode_value(value: Any) -> Any:
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = orjson.dumps([_encode_value(v) for v in values])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_value(value: Any, column_type: Any) -> Any:
    """A cursor value as the column's Python type, so that a tampered cursor is the
    client's error here rather than a failed statement in the database."""
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        return value
    if value is None:
        raise DomainError("Invalid cursor.", field="after")
    try:
        if python_type in (UUID, Decimal):
            value = python_type(str(value))
        elif python_type in (datetime, date):
            value = python_type.fromisoformat(value)
    except (ValueError, TypeError, ArithmeticError):
        raise DomainError("Invalid cursor.", field="after") from None
    if python_type in (str, int, float, bool) and not isinstance(value, python_type):
        raise DomainError("Invalid cursor.", field="after")
    if isinstance(value, Decimal) and not _fits_numeric(value, column_type):
        raise DomainError("Invalid cursor.", field="after")
    if python_type is int and (isinstance(value, bool) or not _fits(value, column_type)):
        raise DomainError("Invalid cursor.", field="after")
    # a value of the column's type may still be one the database refuses (NUL in text)
    # or cannot compare (NaN, ±infinity, the ends of the calendar)
    if problem(value, money=False) is not None:
        raise DomainError("Invalid cursor.", field="after")
    return value


def _fits(value: int, column_type: Any) -> bool:
    low, high = INT8 if isinstance(column_type, sa.BigInteger) else INT4
    return low <= value <= high


def _fits_numeric(value: Decimal, column_type: Any) -> bool:
    """Within numeric(p, s) when the sort key has a precision (computed keys have none)."""
    precision = getattr(column_type, "precision", None)
    if not value.is_finite() or precision is None:
        return True  # non-finite values are refused with the other unstorable ones
    limit: Decimal = Decimal(10) ** (precision - (getattr(column_type, "scale", 0) or 0))
    return abs(value) < limit


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError) as exc:
        raise DomainError("Invalid cursor.", field="after") from exc
    if not isinstance(values, list) or len(values) != arity:
        raise DomainError("Invalid cursor.", field="after")
    return values


@dataclass(frozen=True)
class Listing:
    """A list's rows before paging: its query (record scope and filters applied) and its
    keyset order. `paginate` runs it; the compiled read path (api/compiled) selects its
    own columns from the same query, so both page alike."""

    query: sa.Select[Any]
    sort: sa.ColumnElement[Any]
    id_column: sa.ColumnElement[Any]
    descending: bool = False

    def count_statement(self) -> sa.Select[Any]:
        """How many rows the list has in all (`count_statement`)."""
        return count_statement(self.query)

    def page_statement(self, page: PageRequest) -> sa.Select[Any]:
        """The query bounded by the page's cursor, in scan order, limit + 1 rows."""
        return page_statement(
            self.query, page, sort=self.sort, id_column=self.id_column, descending=self.descending
        )


def page_statement(
    query: sa.Select[Any],
    page: PageRequest,
    *,
    sort: sa.ColumnElement[Any],
    id_column: sa.ColumnElement[Any],
    descending: bool = False,
) -> sa.Select[Any]:
    """`query` for one page ordered by (sort, id), limit + 1 rows (see `page_rows`).
    `sort` must not be NULL (coalesce a nullable column): keyset bounds skip NULLs.
    The page's values are named parameters (`page_parameters`), so that a statement
    compiled once takes another page's (api/compiled)."""
    forward_desc = scans_descending(page, descending)
    bound = cursor_bound(page, sort, id_column)
    if bound is not None:
        key = sa.tuple_(sort, id_column)
        after = sa.tuple_(
            sa.bindparam(CURSOR_SORT, bound[0], type_=sort.type),
            sa.bindparam(CURSOR_ID, bound[1], type_=id_column.type),
        )
        query = query.where(key < after if forward_desc else key > after)
    order = (sort.desc(), id_column.desc()) if forward_desc else (sort.asc(), id_column.asc())
    return query.order_by(*order).limit(sa.bindparam(LIMIT, page.limit + 1, type_=sa.Integer))


CURSOR_SORT, CURSOR_ID, LIMIT = "page_cursor_sort", "page_cursor_id", "page_limit"


def page_parameters(
    page: PageRequest, sort: sa.ColumnElement[Any], id_column: sa.ColumnElement[Any]
) -> dict[str, Any]:
    """The values of a page statement's named parameters for `page`."""
    values: dict[str, Any] = {LIMIT: page.limit + 1}
    bound = cursor_bound(page, sort, id_column)
    if bound is not None:
        values[CURSOR_SORT], values[CURSOR_ID] = bound
    return values


def cursor_bound(
    page: PageRequest, sort: sa.ColumnElement[Any], id_column: sa.ColumnElement[Any]
) -> tuple[Any, Any] | None:
    """The (sort value, id) the page's cursor starts after, as the columns' types."""
    cursor = page.before if page.backwards else page.after
    if not cursor:
        return None
    sort_value, id_value = decode_cursor(cursor, 2)
    return _decode_value(sort_value, sort.type), _decode_value(id_value, id_column.type)


def scans_descending(page: PageRequest, descending: bool) -> bool:
    """The direction the statement scans in: backwards paging scans the other way."""
    return descending != page.backwards


def page_rows(rows: list[Any], page: PageRequest) -> tuple[list[Any], bool, bool]:
    """The page of the rows `page_statement` found: the rows in list order, has_next,
    has_previous."""
    limit = page.limit
    more = len(rows) > limit
    rows = rows[:limit]
    if page.backwards:
        rows.reverse()
    has_next = more if not page.backwards else bool(page.before)
    has_previous = more if page.backwards else bool(page.after)
    return rows, has_next, has_previous


async def paginate(
    conn: Any,
    query: sa.Select[Any],
    page: PageRequest,
    *,
    sort: sa.ColumnElement[Any],
    id_column: sa.ColumnElement[Any],
    descending: bool = False,
) -> Page:
    """Run `query` for one page ordered by (sort, id); one statement, limit + 1 rows."""
    statement = page_statement(query, page, sort=sort, id_column=id_column, descending=descending)
    found = list((await conn.execute(statement)).all())
    sort_key = str(sort.key if hasattr(sort, "key") else sort.name)
    id_key = str(id_column.key)
    rows, has_next, has_previous = page_rows(found, page)
    cursors = [encode_cursor([getattr(r, sort_key), getattr(r, id_key)]) for r in rows]
    return Page(rows, cursors, has_next, has_previous, total=Total(conn, query))


async def run_listing(conn: Any, listing: Listing, page: PageRequest) -> Page:
    return await paginate(
        conn,
        listing.query,
        page,
        sort=listing.sort,
        id_column=listing.id_column,
        descending=listing.descending,
    )
