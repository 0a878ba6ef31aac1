"""Shared pieces of the benchmarks: timing, the machine's state, results on disk."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

# The end of every wrk script: the run's figures as one JSON line, with the responses of an
# unexpected status that the script's own `response` counted per thread (`bad`, `bad_example`).
WRK_SUMMARY_LUA = r"""function done(summary, latency, requests)
  local bad_total = 0
  local example = ""
  for _, t in ipairs(threads) do
    bad_total = bad_total + t:get("bad")
    if example == "" then example = t:get("bad_example") end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "non200": %d, "non200_example": "%s", ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, bad_total, example, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def best_of(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> dict:
    """Run `fn` `warmup` + `repeat` times; seconds as min, median and max of the timed runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return {"min": min(times), "median": statistics.median(times), "max": max(times), "runs": len(times)}


def interleaved(a: Callable[[], object], b: Callable[[], object], repeat: int = 5, warmup: int = 1) -> tuple[dict, dict]:
    """Time a and b alternately (a, b, a, b, ...) so that a load spike hits both alike."""
    for _ in range(warmup):
        a()
        b()
    ta, tb = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        a()
        ta.append(time.perf_counter() - started)
        started = time.perf_counter()
        b()
        tb.append(time.perf_counter() - started)

    def summary(times):
        return {"min": min(times), "median": statistics.median(times), "max": max(times), "runs": len(times)}

    return summary(ta), summary(tb)


def machine() -> dict:
    """What the numbers were measured on, and how busy it was."""
    info = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()
        info["memory_gib"] = round(int(mem[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    info["loadavg"] = os.getloadavg()
    return info


def save(name: str, data: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {**data, "machine": machine(), "measured_at": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def secretariat_round(db, login: str = "noivu"):
    """The round the benchmarks measure: the latest round in scoring of the organiser whose
    secretariat `login` is (province 1's in the two-level national dataset, the only one in
    the province dataset); any latest round in scoring if `login` holds no such grant."""
    from sqlalchemy import select

    from danvankheo.auth.models import User, UserRole
    from danvankheo.core.roles import Role
    from danvankheo.scoring.models import Round, RoundState

    organiser_id = db.session.scalar(
        select(UserRole.organiser_id).join(User, User.id == UserRole.user_id)
        .where(User.login == login, UserRole.role == Role.SECRETARIAT).order_by(UserRole.organiser_id))
    query = select(Round).where(Round.state == RoundState.SCORING).order_by(Round.year.desc(), Round.id)
    if organiser_id is not None:
        query = query.where(Round.organiser_id == organiser_id)
    return db.session.scalars(query).first()
