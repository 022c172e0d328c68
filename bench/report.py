"""The table `make bench` prints, from the report it writes to bench/results/latest.json."""

from __future__ import annotations

import textwrap
from typing import Any

# BENCH.md's targets
TARGET_P50_MS = {"M1": 4.0}
TARGET_CPU_MS = {"V0": 0.3, "Q6": 0.4}
TARGET_F1_RATIO = 0.85  # Q1-50 and Q1-200 at c=16
TARGET_ROW_US = 5.0  # marginal server CPU per extra Q1 row
TARGET_M1_STATEMENTS = 8


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(
        c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


HEAD = [
    "workload",
    "c",
    "req/s",
    "x F1",
    "p50 ms",
    "p99 ms",
    "SQL/req",
    "CPU µs/req",
    "PG ms/req",
    "errors",
]


def floor_of(workload: str) -> str:
    """The floor a workload's req/s is compared with: Q1-n's own F1-n, else F1-50 (the
    floor's whole request at the usual page size)."""
    return f"F1-{workload[3:]}" if workload.startswith("Q1-") else "F1-50"


def f1_ratio(report: dict[str, Any], r: dict[str, Any]) -> float | None:
    if r["workload"].startswith("F1-"):
        return None
    floor = next(
        (
            f
            for f in report["results"]
            if f["workload"] == floor_of(r["workload"]) and f["concurrency"] == r["concurrency"]
        ),
        None,
    )
    return r["rps"] / floor["rps"] if floor and floor["rps"] else None


def _us(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f}"


def table(report: dict[str, Any]) -> str:
    head = HEAD
    rows = []
    for r in report["results"]:
        w = report["workloads"][r["workload"]]
        ratio = f1_ratio(report, r)
        rows.append(
            [
                r["workload"],
                str(r["concurrency"]),
                f"{r['rps']:.0f}",
                "-" if ratio is None else f"{ratio:.2f}",
                _ms(r["p50_ms"]),
                _ms(r["p99_ms"]),
                f"{w['statements_per_request']:.1f}",
                _us(r["cpu_ms_per_request"]),
                _ms(r["db_cpu_ms_per_request"]),
                str(r["errors"]),
            ]
        )
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(len(head))]
    lines = [_row(head, widths), _row(["-" * w for w in widths], widths)]
    lines += [_row(r, widths) for r in rows]
    return "\n".join(lines)


def verdicts(report: dict[str, Any]) -> list[str]:
    """The targets of BENCH.md that this run can judge."""
    by = {(r["workload"], r["concurrency"]): r for r in report["results"]}
    counted = report["workloads"]
    out = []
    q1 = [
        counted[f"Q1-{n}"]["statements_per_request"] for n in (10, 50, 200) if f"Q1-{n}" in counted
    ]
    if len(q1) == 3:
        out.append(
            f"Q1 SQL statements at 10/50/200 rows: {q1} -> {'same' if len(set(q1)) == 1 else 'NOT the same (N+1)'}"
        )
    for n in (10, 50, 200):
        q, f = by.get((f"Q1-{n}", 16)), by.get((f"F1-{n}", 16))
        if q and f and f["rps"]:
            ratio = q["rps"] / f["rps"]
            mark = "" if n == 10 else (" ok" if ratio >= TARGET_F1_RATIO else " MISSED")
            out.append(f"Q1-{n} / F1-{n} at c=16: {ratio:.2f} (target >= {TARGET_F1_RATIO}){mark}")
    for c in (1, 16):
        small, large = by.get(("Q1-10", c)), by.get(("Q1-200", c))
        if small and large and small["cpu_ms_per_request"] and large["cpu_ms_per_request"]:
            per_row = (large["cpu_ms_per_request"] - small["cpu_ms_per_request"]) * 1000 / 190
            mark = "ok" if per_row <= TARGET_ROW_US else "MISSED"
            out.append(
                f"marginal CPU per extra Q1 row at c={c}: {per_row:.1f} µs"
                f" (Q1-200 minus Q1-10, over 190; target <= {TARGET_ROW_US:g} µs) {mark}"
            )
    for w, target in TARGET_CPU_MS.items():
        r = by.get((w, 16))
        if r and r["cpu_ms_per_request"] is not None:
            mark = "ok" if r["cpu_ms_per_request"] <= target else "MISSED"
            out.append(
                f"{w} server CPU at c=16: {r['cpu_ms_per_request'] * 1000:.0f} µs"
                f" (target <= {target * 1000:.0f} µs) {mark}"
            )
    if "M1" in counted:
        statements = counted["M1"]["statements_per_request"]
        mark = "ok" if statements <= TARGET_M1_STATEMENTS else "MISSED"
        out.append(
            f"M1 statements per order: {statements:.0f} (target <= {TARGET_M1_STATEMENTS}) {mark}"
        )
    for w, target in TARGET_P50_MS.items():
        r = by.get((w, 1))
        if r and r["p50_ms"] is not None:
            mark = "ok" if r["p50_ms"] <= target else "MISSED"
            out.append(f"{w} p50 at c=1: {r['p50_ms']:.2f} ms (target <= {target} ms) {mark}")
    scarce = report.get("m1_scarce")
    if scarce:
        out.append(
            f"M1 on scarce stock at c=16: {scarce['confirmed']} confirmed of "
            f"{scarce['on_hand']} units ({scarce['refused']} refused,"
            f" {'sold out' if scarce['sold_out'] else 'NOT sold out: run longer'}),"
            f" oversold {scarce['oversold']}, lost {scarce['lost']}"
            f" -> {'ok' if scarce['ok'] else 'FAILED'}"
        )
    peak = report["server"].get("peak_rss_mb")
    if peak:
        out.append(f"server peak RSS under load: {peak:.0f} MB (target < 250 MB)")
    return out


LEGEND = (
    "req/s: requests per second (M1: orders, each a create and a confirm request); p50/p99:"
    " latency per HTTP request; SQL/req: statements counted per request (M1: per order);"
    " x F1: req/s over the floor's at the same concurrency (Q1-n: F1-n, others: F1-50);"
    " CPU µs/req: CPU of the server process (Atrium or the floor) per request;"
    " PG ms/req: CPU of PostgreSQL per request (embedded server only). Medians."
)


def print_report(report: dict[str, Any]) -> None:
    plan = report["plan"]
    mode = "quick" if plan["quick"] else "full"
    through = f"; the server through {plan['pooler']}" if plan.get("pooler") else ""
    print(
        f"\nAtrium bench at {report.get('commit')}, {report['when']}"
        f" ({mode}: {plan['warmup']:g} s warm-up, {plan['seconds']:g} s measured,"
        f" {plan['repetitions']} repetition(s), medians), scale {plan['scale']:g},"
        f" {report['database']['rows']} rows; {report['machine']['cpu']},"
        f" {report['machine']['cores']} cores, load average"
        f" {report['machine']['load_average_at_start']} at start{through}\n"
    )
    print(table(report))
    print(textwrap.fill(LEGEND, 100))
    for w, why in report["skipped_workloads"].items():
        print(f"{w}: {why}")
    print()
    for line in verdicts(report):
        print(line)


def markdown(report: dict[str, Any]) -> str:
    """The table as Markdown, for the README: `python -m bench.report`."""
    rows = [line.split() for line in table(report).splitlines()[2:]]
    out = ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


if __name__ == "__main__":
    import json
    from pathlib import Path

    latest = json.loads((Path(__file__).parent / "results" / "latest.json").read_text())
    print(markdown(latest))
    print()
    for w, why in latest["skipped_workloads"].items():
        print(f"- {w}: {why}")
    for line in verdicts(latest):
        print(f"- {line}")
