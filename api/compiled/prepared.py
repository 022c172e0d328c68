"""Statements compiled once to SQL text and run with new values for their parameters.

A plan's statement differs between requests only in the values of named parameters
(the viewer's page: `domain.pagination.page_parameters`, a row's id); building and
compiling it with SQLAlchemy for every request cost more than running it. It is built
once per viewer (whose id record scope writes into it) and page shape, compiled for the
connection's dialect, and executed as its text with the values bound positionally —
still through SQLAlchemy's connection, so the statement is counted and logged like
every other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa


@dataclass(frozen=True)
class Prepared:
    sql: str
    names: tuple[str, ...]  # the parameter of each position
    values: Mapping[str, Any]  # each parameter's value when the statement was built

    async def fetch(self, conn: Any, given: Mapping[str, Any]) -> list[Any]:
        """The rows of the statement with `given` values for its named parameters."""
        values = self.values
        params = tuple(given[n] if n in given else values[n] for n in self.names)
        result = await conn.exec_driver_sql(self.sql, params)
        return list(result.all())


def prepare(conn: Any, statement: sa.Select[Any]) -> Prepared:
    # IN lists of constants (a status set) become parameters of their own
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    names = tuple(compiled.positiontup or ())
    return Prepared(compiled.string, names, dict(compiled.params))
