"""The bench data set is deterministic and its stock ledger adds up (bench/seed.py)."""

from __future__ import annotations

from collections import defaultdict

from bench.data import generate


def test_same_scale_gives_the_same_rows_and_another_scale_does_not() -> None:
    first, again, other = generate(0.02), generate(0.02), generate(0.03)
    assert first.counts() == again.counts()
    assert all(first.tables[t].rows == again.tables[t].rows for t in first.tables)
    assert first.tables["deals"].rows != other.tables["deals"].rows
    assert len(first.tenants) == 21 and first.big.weight == 10


def test_stock_levels_equal_the_sum_of_their_movements() -> None:
    ds = generate(0.02)
    moved: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    m = ds.tables["stock_movements"]
    col = {c: i for i, c in enumerate(m.columns)}
    for row in m.rows:
        key = (row[col["tenant_id"]], row[col["product_id"]], row[col["warehouse_id"]])
        moved[key][0] += row[col["on_hand_change"]]
        moved[key][1] += row[col["reserved_change"]]
    s = ds.tables["stock_levels"]
    col = {c: i for i, c in enumerate(s.columns)}
    for row in s.rows:
        key = (row[col["tenant_id"]], row[col["product_id"]], row[col["warehouse_id"]])
        assert moved[key] == [row[col["on_hand"]], row[col["reserved"]]]
        assert 0 <= row[col["reserved"]] <= row[col["on_hand"]]
