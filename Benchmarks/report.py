#!/usr/bin/env python3
"""Turns a package-benchmark JMH export (and, for the peer table, pyrage and age CLI timings)
into the table of Benchmarks/targets.json: one ratio per row, its target and its CI gate.

    report.py gate JMH_FILE              the CI rows; exit 1 when a gate fails or a row is missing
    report.py peers JMH_FILE PEERS_JSON  every row, peers included, as a markdown table

Medians (p50) of each benchmark's samples are compared, so one slow sample does not decide.
A row that names a "ratio" benchmark takes its value from there: rounds that time ours and the
baseline alternately in one process, whose median ratio holds on a machine that drifts; the
separately run pair (ours, baseline) is the fallback and is shown next to it.
With CI=true, a row that needs PostgreSQL and has no measurement fails: it never skips.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
UNITS = {"ns": 1e-3, "μs": 1.0, "us": 1.0, "ms": 1e3, "s": 1e6}


def load_jmh(path):
    """Benchmark name (Target/name) -> {time_us: median per sample, mallocs: median per sample}."""
    results = {}
    for entry in json.load(open(path)):
        _, _, target, name = entry["benchmark"].split(".", 3)
        metrics = entry["secondaryMetrics"]
        row = {}
        if "Time (wall clock)" in metrics:
            time = metrics["Time (wall clock)"]
            row["time_us"] = time["scorePercentiles"]["50.0"] * UNITS[time["scoreUnit"]]
        if "Malloc (total)" in metrics:
            row["mallocs"] = metrics["Malloc (total)"]["scorePercentiles"]["50.0"]
        if "ratio x1000" in metrics:
            row["ratio"] = metrics["ratio x1000"]["scorePercentiles"]["50.0"] / 1000
        results[f"{target}/{name}"] = row
    return results


def key(name):
    target, benchmark = name.split("/", 1)
    return f"{target}/{benchmark.replace(' ', '_')}"


def measure(row, jmh, peers):
    """The row's value, or None when a benchmark it needs did not run."""
    ratio = jmh.get(key(row["ratio"]), {}).get("ratio") if "ratio" in row else None
    if ratio is not None:
        return ratio if row["kind"] == "slower" else 1 / ratio
    return measure_pair(row, jmh, peers)


def measure_pair(row, jmh, peers):
    """The row's value from two separately run benchmarks (or a peer's timing)."""
    ours = jmh.get(key(row["ours"])) if "ours" in row else None
    per = row.get("per", 1)
    kind = row["kind"]
    if kind == "allocations":
        return None if ours is None else int(ours["mallocs"] // per)
    if kind == "absolute_us":
        return None if ours is None else ours["time_us"] / per
    if "cli" in row:  # our CLI against the age CLI, in one hyperfine run
        cli = peers.get("cli", {}).get(row["cli"])
        return None if cli is None else cli["age_ms"] / cli["actorkeys_ms"]
    if ours is None:
        return None
    ours_us = ours["time_us"] / per
    if "peer" in row:
        theirs_us = peers.get("pyrage", {}).get(row["peer"])
    elif "cli_peer" in row:
        cli = peers.get("cli", {}).get(row["cli_peer"])
        theirs_us = None if cli is None else cli["age_ms"] * 1e3
    elif "baseline" not in row:  # measured only as a ratio in one process
        return None
    else:
        baseline = jmh.get(key(row["baseline"]))
        theirs_us = None if baseline is None else baseline["time_us"] / per
    if theirs_us is None:
        return None
    return ours_us / theirs_us if kind == "slower" else theirs_us / ours_us


def meets(value, bound):
    if bound is None or value is None:
        return None
    if "max" in bound:
        return value <= bound["max"]
    return value >= bound["min"]


def describe(bound, kind):
    if bound is None:
        return ""
    if kind == "allocations":
        return f"≤ {bound['max']}"
    if kind == "absolute_us":
        return f"≤ {bound['max']} µs"
    if "max" in bound:
        return f"≤ {bound['max']:g}×"
    return f"≥ {bound['min']:g}×"


def show(value, kind):
    if value is None:
        return "not run"
    if kind == "allocations":
        return str(value)
    if kind == "absolute_us":
        return f"{value:.0f} µs"
    return f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def table(rows, jmh, peers, bound_name):
    lines = [f"| benchmark | measured | separate runs | target | {'CI gate' if bound_name == 'gate' else 'met'} |", "|---|---:|---:|---:|---|"]
    failures = []
    ci = os.environ.get("CI") == "true"
    for row in rows:
        value = measure(row, jmh, peers)
        pair = show(measure_pair(row, jmh, peers), row["kind"]) if "ratio" in row else ""
        target = row.get("target")
        if bound_name == "gate":
            gate = row.get("gate")
            if gate is None:
                continue
            verdict = meets(value, gate)
            if value is None and row.get("postgres") and not ci:
                verdict_text = "skipped: no PostgreSQL"
            elif verdict:
                verdict_text = f"ok ({describe(gate, row['kind'])})"
            else:
                verdict_text = f"FAIL ({describe(gate, row['kind'])})"
                failures.append(row["row"])
            lines.append(f"| {row['row']} | {show(value, row['kind'])} | {pair} | {describe(target, row['kind'])} | {verdict_text} |")
        else:
            verdict = meets(value, target)
            verdict_text = "" if target is None else ("yes" if verdict else ("not run" if value is None else "**no**"))
            lines.append(f"| {row['row']} | {show(value, row['kind'])} | {pair} | {describe(target, row['kind']) or 'context'} | {verdict_text} |")
    return "\n".join(lines), failures


def main():
    mode, jmh_path = sys.argv[1], sys.argv[2]
    targets = json.load(open(os.path.join(HERE, "targets.json")))
    jmh = load_jmh(jmh_path)
    if mode == "gate":
        text, failures = table(targets["rows"], jmh, {}, "gate")
        print(text)
        if failures:
            print(f"\nbenchmark check failed: {len(failures)} row(s) outside their gate", file=sys.stderr)
            sys.exit(1)
    elif mode == "peers":
        peers = json.load(open(sys.argv[3]))
        text, _ = table(targets["peers"] + targets["rows"], jmh, peers, "target")
        print(text)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
