"""Paging arguments: default 50, at most 200, never both directions; a BAD_USER_INPUT otherwise."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from api.core.relay import page_request
from api.errors import AppError
from api.settings import Settings

INFO = SimpleNamespace(context=SimpleNamespace(settings=Settings()))


def test_default_page_size():
    assert page_request(INFO, None, None, None, None).first == 50


@pytest.mark.parametrize("size", [0, 1, 200])
def test_page_sizes_within_the_cap(size):
    assert page_request(INFO, size, None, None, None).first == size
    assert page_request(INFO, None, None, size, None).last == size


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (201, None, "`first` must be between 0 and 200"),
        (None, 10_000, "`last` must be between 0 and 200"),
        (-1, None, "`first` must be between 0 and 200"),
        (10, 10, "either `first` or `last`"),
    ],
)
def test_bad_page_sizes(first, last, message):
    with pytest.raises(AppError) as error:
        page_request(INFO, first, None, last, None)
    assert error.value.extensions["code"] == "BAD_USER_INPUT"
    assert message in str(error.value)
