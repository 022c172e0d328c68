"""The table `make bench` prints, from the report it writes to bench/results/latest.json."""

from __future__ import annotations

import textwrap
from typing import Any

TARGET_P50_MS = {"Q6": 2.0, "Q1-50": 4.0, "M1": 8.0}


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
    "p50 ms",
    "p99 ms",
    "SQL/req",
    "CPU ms/req",
    "PG ms/req",
    "errors",
]


def table(report: dict[str, Any]) -> str:
    head = HEAD
    rows = []
    for r in report["results"]:
        w = report["workloads"][r["workload"]]
        rows.append(
            [
                r["workload"],
                str(r["concurrency"]),
                f"{r['rps']:.0f}",
                _ms(r["p50_ms"]),
                _ms(r["p99_ms"]),
                f"{w['statements_per_request']:.1f}",
                _ms(r["cpu_ms_per_request"]),
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
            out.append(f"Q1-{n} / F1-{n} at c=16: {ratio:.2f} (target >= 0.6, stretch 0.8)")
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
    " CPU ms/req: CPU of the server process (Atrium or the floor) per request;"
    " PG ms/req: CPU of PostgreSQL per request (embedded server only). Medians."
)


def print_report(report: dict[str, Any]) -> None:
    plan = report["plan"]
    mode = "quick" if plan["quick"] else "full"
    print(
        f"\nAtrium bench at {report.get('commit')}, {report['when']}"
        f" ({mode}: {plan['warmup']:g} s warm-up, {plan['seconds']:g} s measured,"
        f" {plan['repetitions']} repetition(s), medians), scale {plan['scale']:g},"
        f" {report['database']['rows']} rows; {report['machine']['cpu']},"
        f" {report['machine']['cores']} cores, load average"
        f" {report['machine']['load_average_at_start']} at start\n"
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
