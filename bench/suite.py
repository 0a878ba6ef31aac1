"""The test suite's own speed: the PostgreSQL pass as it runs today against the way it once
ran (every test committing for real and every table truncated after it), on the same code, one
after the other, on this machine.

    python -m bench.suite [--passes postgresql,sqlite] [-- extra pytest arguments]

Writes bench/results/suite.json; docs/PERFORMANCE.md records the figures. It takes twice the
PostgreSQL pass (about half an hour on two cores): it is not part of `make bench`.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.common import save

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def run(label: str, env: dict[str, str], extra: list[str]) -> dict:
    started, load = time.perf_counter(), os.getloadavg()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider", *extra],
                          cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    summary = (done.stdout.strip().splitlines() or [""])[-1]
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|skipped|errors?)", summary)}
    print(f"{label}: {seconds:.0f} s, {summary}", flush=True)
    return {"seconds": round(seconds, 1), "counts": counts, "summary": summary, "exit": done.returncode,
            "loadavg_before": load, "loadavg_after": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passes", default="postgresql")
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args()
    results: dict[str, dict] = {}
    if "postgresql" in args.passes:
        pg = {"TEST_DATABASE_URL": POSTGRES_URL}
        results["postgresql_baseline"] = run("PostgreSQL, truncating (baseline)", {**pg, "TEST_ISOLATION": "truncate"},
                                             args.pytest_args)
        results["postgresql"] = run("PostgreSQL, rolled back", {**pg, "TEST_ISOLATION": ""}, args.pytest_args)
        ratio = results["postgresql"]["seconds"] / results["postgresql_baseline"]["seconds"]
        results["postgresql_ratio"] = round(ratio, 2)
        print(f"PostgreSQL pass: {ratio:.2f}x the baseline's time", flush=True)
    if "sqlite" in args.passes:
        results["sqlite"] = run("SQLite", {"TEST_DATABASE_URL": ""}, args.pytest_args)
    print(save("suite", results))


if __name__ == "__main__":
    main()
