"""`make bench`: every benchmark against PostgreSQL, each printing its ratio.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/dvk_bench \
    PROVINCE_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/dvk_bench_province \
        python -m bench.run_all [--only ranking,registry] [--regenerate] [--http-seconds 60]

The national dataset (DATABASE_URL) is generated when missing (a few minutes), and so is the
province dataset (PROVINCE_DATABASE_URL) used to measure how each cost grows with the data.
Each benchmark runs in its own process and writes bench/results/<name>.json; the summary is
printed at the end and written to bench/results/summary.md. docs/PERFORMANCE.md explains the
method and holds the figures of a recorded run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, inspect, make_url, text

from bench.common import RESULTS, machine

ROOT = Path(__file__).resolve().parent.parent
ALL = ["ranking", "registry", "levels", "export", "upload", "http"]
EVIDENCE_ROOT = Path(os.environ.get("BENCH_EVIDENCE_ROOT", "/var/tmp/dvk_bench"))


def _is_generated(url: str, preset: str) -> bool:
    from bench.generate import PRESETS

    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            if not {"initiatives", "scores", "evidence_files", "rounds", "organisers"} <= tables:
                return False
            p = PRESETS[preset]
            # The benchmark year's models in its rounds (one round, or one per province organiser),
            # and as many organisers as the preset's shape has.
            entries = conn.scalar(text(
                "SELECT count(*) FROM round_entries e JOIN rounds r ON r.id = e.round_id WHERE r.year = :y"),
                {"y": max(p.years)})
            organisers = conn.scalar(text("SELECT count(*) FROM organisers"))
        engine.dispose()
        return (entries or 0) >= max(p.years.values()) and organisers == (p.provinces + 1 if p.two_levels else 1)
    except Exception:  # no database yet, or an older schema
        return False


def ensure_dataset(url: str, preset: str, regenerate: bool) -> Path:
    from bench.generate import PRESETS, create_database, generate

    folder = EVIDENCE_ROOT / make_url(url).database / "evidence"
    from bench.generate import sync_schema

    if regenerate or not _is_generated(url, preset) or not sync_schema(url):
        print(f"== generating the {preset} dataset into {make_url(url).database} (evidence in {folder})", flush=True)
        create_database(url)
        counts = generate(PRESETS[preset], url, reset=True, upload_folder=str(folder))
        print(json.dumps(counts), flush=True)
        (RESULTS / f"dataset-{preset}.json").write_text(json.dumps(counts, indent=2) + "\n")
    return folder


def _run(module: str, env: dict[str, str], *args: str) -> int:
    print(f"== {module} {' '.join(args)} [{env.get('BENCH_LABEL', '')}] load {os.getloadavg()[0]:.2f}", flush=True)
    started = time.perf_counter()
    code = subprocess.call([sys.executable, "-m", module, *args], cwd=ROOT, env={**os.environ, **env})
    print(f"   ({time.perf_counter() - started:.0f} s, exit {code})", flush=True)
    return code


def summary() -> str:
    """A Markdown table of the latest results on disk."""

    def load(name):
        path = RESULTS / f"{name}.json"
        return json.loads(path.read_text()) if path.exists() else None

    def load_of(r) -> str:
        return f"{r['machine']['loadavg'][0]:.1f}" if r and "machine" in r else ""

    lines = ["| benchmark | dataset | figures | ratio | target | load |", "|---|---|---|---|---|---|"]
    for label in ("national", "province"):
        r = load(f"ranking-{label}")
        if r:
            lines.append(
                f"| ranking | {label}: {r['counts'].get('entries', 0):,} models, {r['counts'].get('scores', 0):,} scores "
                f"| app {r['app_seconds']['median'] * 1000:.0f} ms, SQL over the same tables "
                f"{r['baseline_seconds']['median'] * 1000:.0f} ms"
                + (f"; SQL over the raw rows {r['raw_rows_sql_seconds']['median'] * 1000:.0f} ms "
                   f"(app ÷ raw {r['ratio_to_raw_rows_sql']:.2f}), app recompute from the raw rows "
                   f"{r['recompute_seconds']['median'] * 1000:.0f} ms" if "raw_rows_sql_seconds" in r else "")
                + f" | {r['ratio_median']:.2f} | ≤ 1.5 and < 2 s: {'met' if r['met'] else 'not met'} | {load_of(r)} |")
    for label in ("national", "national-observer", "province"):
        r = load(f"registry-{label}")
        if r:
            s = r["summary"]
            reader = {"noivu": ", province 1's secretariat", "theodoi": ", national observer"}.get(
                r.get("reader", ""), "") if label.startswith("national") else ""
            lines.append(
                f"| registry list/search | {label.split('-')[0]}{reader} | list p50 {s['list']['p50'] * 1000:.0f} / p95 {s['list']['p95'] * 1000:.0f} ms, "
                f"search p50 {s['search']['p50'] * 1000:.0f} / p95 {s['search']['p95'] * 1000:.0f} ms, "
                + (f"typed unit p50 {s['unit']['p50'] * 1000:.0f} / p95 {s['unit']['p95'] * 1000:.0f} ms, "
                   f"all pages p95 {s['all']['p95'] * 1000:.0f} ms, " if "unit" in s else "")
                + f"trivial p50 {s['trivial']['p50'] * 1000:.0f} ms "
                f"| {r['ratio_p50_list_to_trivial']:.1f} / {r['ratio_p50_search_to_trivial']:.1f} "
                f"| p95 < 150 ms: {'met' if r['met'] else 'not met'} | {load_of(r)} |")
    r = load("levels-national")
    if r:
        for page in r["pages"]:
            actor = "province 1's secretariat" if page["actor"] == "noivu" else "national observer"
            if page["status"] != 200:
                lines.append(f"| two levels: {actor}, {page['page']} | national | `{page['path']}`: status "
                             f"{page['status']} | | | {load_of(r)} |")
                continue
            lines.append(
                f"| two levels: {actor}, {page['page']} | national | `{page['path']}` median "
                f"{page['median_seconds'] * 1000:.0f} ms, trivial {page['trivial_median_seconds'] * 1000:.0f} ms; "
                f"{page['statements']} statements, SQL {page['sql_seconds'] * 1000:.0f} ms "
                f"| {page['ratio_to_trivial']:.1f} | | {load_of(r)} |")
        if r.get("rollup_missing"):
            lines.append("| two levels: national observer, roll-up `/tong-hop-cap-duoi` | national | "
                         "not a route of this version of the app | | | |")
    r = load("export")
    if r:
        for key, entry in r.items():
            if not isinstance(entry, dict) or "app" not in entry:
                continue
            lines.append(
                f"| Excel export | {key} | app {entry['app'].get('median_cpu_seconds', entry['app']['median_seconds']):.2f} s, "
                f"openpyxl {entry['bare'].get('median_cpu_seconds', entry['bare']['median_seconds']):.2f} s "
                f"(CPU; wall {entry['app']['median_seconds']:.2f} / {entry['bare']['median_seconds']:.2f} s); "
                f"traced peak {entry['app']['tracemalloc_peak_mb']:.1f} MB, max RSS {entry['app']['max_rss_mb']:.0f} MB "
                f"| {entry['ratio']:.2f} | ≤ 1.3: {'met' if entry['ratio'] <= 1.3 else 'not met'} | {load_of(r)} |")
    r = load("export-route-province")
    if r:
        lines.append(
            f"| Excel export route (ranking + detail sheet) | province: {r['detail_rows']:,} score rows "
            f"| {r['seconds']:.2f} s, {r['bytes'] / 1e6:.1f} MB | | | {load_of(r)} |")
    r = load("upload")
    if r:
        lines.append(
            f"| evidence upload 20 MB | {r['dataset']} | worker idle {r['worker_idle_rss_mb']:.1f} MB, peak "
            f"{r['worker_peak_rss_mb']:.1f} MB (+{r['peak_growth_mb']:.1f} MB), {r['upload_seconds']:.2f} s "
            f"| {r['ratio_upload_to_read_and_hash']:.1f} × read+hash | within a few MB: {'met' if r['met'] else 'not met'} | {load_of(r)} |")
    for label, suffix in (("national", ""), ("national", "-everyday"), ("province", ""), ("province", "-everyday")):
        r = load(f"http-{label}{suffix}")
        if r:
            kind = "everyday pages" if suffix else "main pages"
            for c, run in r["runs"].items():
                m, t = run["mix"], run["trivial"]
                lines.append(
                    f"| HTTP, {kind}, {c} connections, {r['workers']} workers, {r['seconds']} s | {label} | "
                    f"{m['rps']:.1f} req/s, p95 {m['p95_us'] / 1000:.0f} ms, errors {m['errors']}; trivial "
                    f"{t['rps']:.1f} req/s, p95 {t['p95_us'] / 1000:.0f} ms, errors {t['errors']} "
                    f"| {run['ratio_rps']:.2f} | zero errors: {'met' if m['errors'] == 0 and t['errors'] == 0 else 'not met'} "
                    f"| {load_of(r)} |")
    costs = {label: (load(f"http-{label}") or {}).get("page_costs_ms") or {} for label in ("province", "national")}
    if any(costs.values()):
        lines += ["", "Page by page, one request at a time (median ms):", "",
                  "| page | province | national |", "|---|---:|---:|"]
        for page in sorted(set(costs["province"]) | set(costs["national"])):
            cells = [f"{costs[label][page]:.0f}" if page in costs[label] else "" for label in ("province", "national")]
            lines.append(f"| `{page}` | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_all")
    parser.add_argument("--only", default=",".join(ALL), help=f"comma-separated subset of {ALL}")
    parser.add_argument("--regenerate", action="store_true", help="rebuild both datasets first")
    parser.add_argument("--no-province", action="store_true", help="skip the province (second size) runs")
    parser.add_argument("--http-seconds", type=int, default=60)
    parser.add_argument("--summary", action="store_true", help="only rewrite the summary of the results on disk")
    args = parser.parse_args(argv)
    if args.summary:
        table = summary()
        (RESULTS / "summary.md").write_text(table + "\n", encoding="utf-8")
        print(table)
        return 0
    national = os.environ.get("DATABASE_URL")
    province = os.environ.get("PROVINCE_DATABASE_URL")
    if not national or make_url(national).get_backend_name() != "postgresql":
        print("DATABASE_URL must name a PostgreSQL database of its own (not `test`)", file=sys.stderr)
        return 2
    if make_url(national).database == "test":
        print("refusing to run on the `test` database", file=sys.stderr)
        return 2
    RESULTS.mkdir(exist_ok=True)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    print(f"machine: {json.dumps(machine())}", flush=True)
    national_evidence = ensure_dataset(national, "national", args.regenerate)
    sizes = [("national", national, national_evidence)]
    if province and not args.no_province:
        sizes.append(("province", province, ensure_dataset(province, "province", args.regenerate)))
    failures = 0
    for label, url, evidence in sizes:
        env = {"DATABASE_URL": url, "BENCH_LABEL": label, "UPLOAD_FOLDER": str(evidence)}
        if "ranking" in only:
            failures += _run("bench.ranking", env) != 0
        if "registry" in only:
            failures += _run("bench.registry", env) != 0
        if label == "national" and "levels" in only:
            # A province secretariat's pages and the national observer's (two-level dataset).
            failures += _run("bench.levels", env) != 0
        if "http" in only:
            failures += _run("bench.http_load", env, "--seconds", str(args.http_seconds)) != 0
        if label == "province" and "export" in only:
            # The whole export route, detail sheet included; at national size the detail sheet
            # alone has 1.7 million rows (more than an Excel sheet holds), see PERFORMANCE.md.
            failures += _run("bench.export", env, "--route") != 0
        if label == "national" and "upload" in only:
            failures += _run("bench.upload", env) != 0
    if "export" in only:
        failures += _run("bench.export", {}) != 0
    table = summary()
    (RESULTS / "summary.md").write_text(table + "\n", encoding="utf-8")
    print("\n" + table)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
