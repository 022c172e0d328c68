"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/): which media type an
answer is given in, and what a request error looks like in it.

A client that names `application/graphql-response+json` in `Accept` (alone, or first
among equals, or preferred by q-value, as Apollo Client 4 and urql send it) gets that
media type: a request error (the document does not parse or validate, the operation
cannot be chosen, the variables do not coerce) is 400 and an execution result 200, even
with field errors, and a 4xx/5xx answer carries no `data`. Every other client gets
`application/json` with the spec's legacy rules: 200 for every well-formed request. In
both, a request error carries no `data` entry (the GraphQL spec: no execution, no data).
An `Accept` that admits neither, nor a stream strawberry serves, is answered 406.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import mimeparse

from api.errors import Code

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
CONTENT_TYPES = {JSON: JSON, GRAPHQL_RESPONSE: f"{GRAPHQL_RESPONSE}; charset=utf-8"}
# answered by strawberry's view as streams (incremental delivery, subscriptions over SSE)
STREAMED = ("multipart/mixed", "text/event-stream")

NOT_ACCEPTABLE = (
    f"Not acceptable: GraphQL answers in {GRAPHQL_RESPONSE} or {JSON}; "
    "send one of them in `Accept` (or no `Accept` at all)."
)


def _media_ranges(accept: str) -> list[tuple[str, str, dict[str, str]]]:
    ranges = []
    for item in accept.lower().split(","):
        if item.strip():
            try:
                ranges.append(mimeparse.parse_media_range(item))
            except ValueError:  # not a media range: ignored, as RFC 9110 allows
                continue
    return ranges


# clients send the same few Accept headers: parsed once each (bounded: the header is
# the client's to choose)
@lru_cache(maxsize=256)
def response_media_type(accept: str | None) -> str | None:
    """The media type to answer in, by the request's `Accept`; None: neither is acceptable.

    `application/graphql-response+json` only when the client names it (a wildcard
    such as `*/*` means a client that may not know it: `application/json`, as the
    spec recommends), and not below `application/json` by q-value."""
    ranges = _media_ranges(accept or "")
    if not ranges:
        return JSON
    named = [r for r in ranges if (r[0], r[1]) == ("application", "graphql-response+json")]
    preferred = mimeparse.quality_parsed(GRAPHQL_RESPONSE, named)
    legacy = mimeparse.quality_parsed(JSON, ranges)
    if preferred > 0 and preferred >= legacy:
        return GRAPHQL_RESPONSE
    if legacy > 0 or any(mimeparse.quality_parsed(s, ranges) > 0 for s in STREAMED):
        return JSON
    return None


def is_request_error(data: object, errors: Iterable[Mapping[str, Any]]) -> bool:
    """Whether a shaped answer reports a request error: no data, and only the client's
    errors (BAD_USER_INPUT) outside any field. Failures during execution (a statement
    cut by its time limit, an unexpected error) carry other codes, field errors a path."""
    errors = list(errors)
    return (
        data is None
        and bool(errors)
        and all(
            "path" not in e and (e.get("extensions") or {}).get("code") == Code.BAD_USER_INPUT
            for e in errors
        )
    )
