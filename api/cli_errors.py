"""How `atrium` tells an operator's mistake: one line on stderr and an exit code, never
a traceback. A traceback is left only to what is no mistake of theirs (a defect).

Exit codes: 0 done; 1 refused (an unknown tenant, user or role; a duplicate slug or
email; an invalid slug, email or name; a value the database refused); 2 a usage error
(a flag missing or unknown, as argparse answers, or an invalid `ATRIUM_*` setting);
3 the database could not be reached, does not exist or refused the login.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import pydantic
from pydantic_core import ErrorDetails

from api.settings import Settings
from domain.errors import DomainError
from domain.outage import database_unavailable

REFUSED, USAGE, DATABASE = 1, 2, 3
# SQLSTATE classes of a value the database refused: data exception, integrity violation
REFUSED_VALUES = ("22", "23")
# SQLSTATEs of a database that is there but will not have us: no such database, login refused
ABSENT = {"3D000": "it does not exist", "28000": "it refused the login", "28P01": "wrong password"}


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors are one line too (exit 2)."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("atrium").strip()  # "tenant create"
        where = f"{command}: " if command else ""
        self.exit(USAGE, f"atrium: {where}{message} (see --help)\n")


class Refused(Exception):
    """What the operator asked for cannot be done; the message says why (exit 1)."""


def explained(exc: BaseException) -> tuple[int, str] | None:
    """(exit code, one line) for a mistake; None for a defect."""
    if isinstance(exc, Refused | DomainError):
        return REFUSED, str(exc)
    if isinstance(exc, pydantic.ValidationError):
        return USAGE, "; ".join(_setting(error) for error in exc.errors())
    state = _sqlstate(exc)
    if state in ABSENT:
        return DATABASE, f"cannot use the database: {ABSENT[state]} ({_first_line(exc)})"
    if database_unavailable(exc):
        return DATABASE, f"cannot reach the database ({_first_line(exc)}); check DATABASE_URL"
    if state is not None and state[:2] in REFUSED_VALUES:
        return REFUSED, f"the database refused it: {_first_line(exc)}"
    return None


@contextmanager
def one_line_mistakes() -> Iterator[None]:
    """Run a command; a mistake leaves as its one line on stderr and its exit code."""
    try:
        yield
    except Exception as exc:
        found = explained(exc)
        if found is None:
            raise
        code, line = found
        print(f"atrium: {line}", file=sys.stderr)
        raise SystemExit(code) from None


def _setting(error: ErrorDetails) -> str:
    name = "_".join(str(part) for part in error["loc"]).upper()
    return f"invalid setting {Settings.model_config.get('env_prefix', '')}{name}: {error['msg']}"


def _sqlstate(exc: BaseException) -> str | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        state = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(state, str):
            return state
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return None


def _first_line(exc: BaseException) -> str:
    """The driver's own message, first line: SQLAlchemy's adds the SQL and a link, and its
    asyncpg adapter puts the driver's class first (`<class '...'>: message`)."""
    inner = getattr(exc, "orig", None) or exc
    text = (str(inner).strip() or type(inner).__name__).splitlines()[0]
    return text.partition(">: ")[2] if text.startswith("<class ") else text
