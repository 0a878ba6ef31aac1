"""The test suite's own speed: the PostgreSQL pass as it runs today against a baseline run just
before it, one after the other, on this machine.

    python -m bench.suite [--against truncate | --against REV] [--passes postgresql,sqlite]
                          [-- extra pytest arguments]

The baseline is either the same code run the way the suite once ran (`truncate`: every test
committing for real and every table truncated after it), or the whole suite as it stood at
the git revision REV, checked out beside this repository (`git worktree`) and run with the same
virtual environment. Writes bench/results/suite.json; docs/PERFORMANCE.md records the figures.
It takes the PostgreSQL pass twice (about half an hour on two cores): it is not part of
`make bench`.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import save

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def run(label: str, env: dict[str, str], extra: list[str], root: Path = ROOT) -> dict:
    started, load = time.perf_counter(), os.getloadavg()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider", "-rf", *extra],
                          cwd=root, env={**os.environ, **env}, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    summary = (done.stdout.strip().splitlines() or [""])[-1]
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|skipped|errors?)", summary)}
    failed = [line.split(" - ")[0].removeprefix("FAILED ") for line in done.stdout.splitlines()
              if line.startswith("FAILED ")]
    print(f"{label}: {seconds:.0f} s, {summary}", *failed, sep="\n  ", flush=True)
    return {"seconds": round(seconds, 1), "counts": counts, "summary": summary, "failed": failed, "exit": done.returncode,
            "loadavg_before": load, "loadavg_after": os.getloadavg()}


@contextmanager
def checkout(rev: str) -> Iterator[Path]:
    """The repository at `rev`, as a detached worktree beside this one (so that `../shared`
    resolves as it does here), removed afterwards."""
    commit = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, check=True, capture_output=True,
                            text=True).stdout.strip()
    path = ROOT.parent / f"{ROOT.name}-at-{commit}"
    subprocess.run(["git", "worktree", "add", "--detach", str(path), commit], cwd=ROOT, check=True,
                   capture_output=True)
    try:
        yield path
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passes", default="postgresql")
    parser.add_argument("--against", default="truncate", help="truncate, or a git revision")
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args()
    results: dict = {"against": args.against}
    if "postgresql" in args.passes:
        pg = {"TEST_DATABASE_URL": POSTGRES_URL, "TEST_ISOLATION": ""}
        if args.against == "truncate":
            results["postgresql_baseline"] = run("PostgreSQL, truncating (baseline)",
                                                 {**pg, "TEST_ISOLATION": "truncate"}, args.pytest_args)
        else:
            with checkout(args.against) as before:
                results["against_commit"] = before.name.rsplit("-", 1)[-1]
                results["postgresql_baseline"] = run(f"PostgreSQL, the suite at {args.against} (baseline)", pg,
                                                     args.pytest_args, root=before)
        results["postgresql"] = run("PostgreSQL, this code", pg, args.pytest_args)
        ratio = results["postgresql"]["seconds"] / results["postgresql_baseline"]["seconds"]
        results["postgresql_ratio"] = round(ratio, 2)
        print(f"PostgreSQL pass: {ratio:.2f}x the baseline's time", flush=True)
    if "sqlite" in args.passes:
        results["sqlite"] = run("SQLite", {"TEST_DATABASE_URL": ""}, args.pytest_args)
    print(save("suite", results))


if __name__ == "__main__":
    main()
