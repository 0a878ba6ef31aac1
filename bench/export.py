"""Excel export: the app's official-document writer against bare openpyxl write-only mode.

    python -m bench.export                 # all cases, each in a fresh subprocess
    python -m bench.export --case ranking --rows 70000 --writer app --measure time
    python -m bench.export --only registry-2100 --repeat 7   # one case, to bench/results/export-registry-2100.json
    python -m bench.export --digest        # SHA-256 of fixed workbooks' parts: a writer change must keep them
    python -m cProfile -s cumtime -m bench.export --case registry --rows 2100 --writer app   # where the time goes
    DATABASE_URL=… python -m bench.export --registry-route --repeat 7   # the registry download as noivu gets it

Three documents: the ranking of a round (one line per model: STT, name, unit, field, five
criterion means, total, grade, rank, remark: the 13 columns of the app's ranking sheet) at 7,000 and 70,000 rows, and a commendation list
(danh sách đề nghị khen thưởng: collectives then individuals, with a summary of achievements)
of 2,000 lines; and a province's registry list (2,100 models, the columns of
`documents.registry_sheets`). The ranking's rows are produced lazily by a seeded generator, so the figures
are the writer's own, not the cost of holding the rows. The app side is what the export
routes call, `danvankheo.exports.documents.ranking_sheets`, `proposal_sheets` and `registry_sheets` written by
`xlsx.write_workbook`: document header, merged group headers, column widths, styles,
quote-prefixing of formula-like text, signature block. The baseline appends the same values
to a write-only openpyxl sheet with no styling at all. Every measurement runs in its own
subprocess: time without tracemalloc (CPU time of the process, which a busy shared machine
disturbs much less than wall time; both are recorded), then peak memory with tracemalloc and
the max RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench import names
from bench.common import save

CRITERIA = ["TC1", "TC2", "TC3", "TC4", "TC5"]
MAXIMA = [20, 30, 20, 10, 20]
FIELD_LABELS = ["Kinh tế", "Văn hóa - xã hội", "Quốc phòng - an ninh", "Xây dựng hệ thống chính trị"]
GRADES = ["Xuất sắc", "Tốt", "Khá", "Không đạt"]


def ranking_rows(count: int, seed: int = 8):
    rng = random.Random(seed)
    for n in range(1, count + 1):
        topic = rng.choice(names.NAME_TOPICS)[0]
        means = [Decimal(rng.randrange(0, m * 4 + 1)) / 4 for m in MAXIMA]
        total = sum(means, Decimal(0))
        grade = GRADES[0 if total >= 90 else 1 if total >= 75 else 2 if total >= 60 else 3]
        yield [n, f"{rng.choice(names.NAME_LEADS)} {rng.choice(names.NAME_ACTIONS)} {topic}",
               f"UBND xã {rng.choice(names.PLACE_FIRST)} {rng.choice(names.PLACE_SECOND)}",
               rng.choice(FIELD_LABELS), *means, total, grade, n, "Chênh lệch lớn" if n % 37 == 0 else ""]


def commendation_rows(count: int, seed: int = 8):
    rng = random.Random(seed)
    for n in range(1, count + 1):
        topic = rng.choice(names.NAME_TOPICS)[0]
        person = n > count * 0.7
        who = (f"{rng.choice(names.SURNAMES)} {rng.choice(names.MIDDLE)} {rng.choice(names.GIVEN)}" if person
               else f"UBND xã {rng.choice(names.PLACE_FIRST)} {rng.choice(names.PLACE_SECOND)}")
        yield [n, who, (rng.choice(names.POSITIONS) + ", " if person else "") + "tỉnh Ninh Bình",
               f"{rng.choice(names.NAME_LEADS)} {rng.choice(names.NAME_ACTIONS)} {topic}",
               rng.choice(FIELD_LABELS), Decimal(rng.randrange(300, 400)) / 4, "Xuất sắc",
               names.PARAGRAPH[: rng.randrange(150, len(names.PARAGRAPH))],
               "Bằng khen của Chủ tịch UBND tỉnh" if n % 5 == 0 else "Giấy khen của Giám đốc Sở Nội vụ", ""]


STATUS_LABELS = ["Đã nộp", "Trả lại để bổ sung", "Đã tiếp nhận", "Đã tiếp nhận", "Không tiếp nhận"]


def registry_rows(count: int, seed: int = 8):
    """The registry list's columns after STT, as `exports.queries.registry_rows` gives them."""
    from datetime import date, timedelta

    rng = random.Random(seed)
    for n in range(1, count + 1):
        topic = rng.choice(names.NAME_TOPICS)[0]
        person = n % 4 == 0
        lead = f"{rng.choice(names.SURNAMES)} {rng.choice(names.MIDDLE)} {rng.choice(names.GIVEN)}"
        yield [f"{rng.choice(names.NAME_LEADS)} {rng.choice(names.NAME_ACTIONS)} {topic}"
               + (f" tại xã {rng.choice(names.PLACE_FIRST)} {rng.choice(names.PLACE_SECOND)}" if n % 3 else ""),
               f"UBND xã {rng.choice(names.PLACE_FIRST)} {rng.choice(names.PLACE_SECOND)}", "2026",
               rng.choice(FIELD_LABELS), "Cá nhân" if person else "Tập thể", rng.choice(STATUS_LABELS),
               date(2026, 3, 1) + timedelta(days=rng.randrange(200)) if n % 10 else None,
               f"{lead}, {rng.choice(names.POSITIONS)}" if n % 7 else lead,
               rng.randrange(20, 20000), rng.randrange(0, 500) * 1_000_000 if n % 2 else None,
               rng.randrange(0, 2000) * 100_000]


def compliance_lines(count: int, seed: int = 8):
    from datetime import date, timedelta

    from danvankheo.exports.documents import ComplianceLine

    rng = random.Random(seed)
    statuses = ["Đúng hạn", "Nộp muộn", "Chưa nộp", "Được gia hạn"]
    return [ComplianceLine(unit_name=f"UBND xã {rng.choice(names.PLACE_FIRST)} {rng.choice(names.PLACE_SECOND)}",
                           unit_kind="Cấp xã" if n % 5 else "Sở, ban, ngành",
                           deadline=date(2026, 9, 30), extension_until=date(2026, 10, 1) + timedelta(days=n % 20)
                           if n % 9 == 0 else None, submitted=rng.randrange(6), waiting=rng.randrange(3),
                           returned=rng.randrange(2), accepted=rng.randrange(5), rejected=rng.randrange(2),
                           drafts=rng.randrange(3), status=rng.choice(statuses))
            for n in range(1, count + 1)]


def _context():
    from datetime import date

    from danvankheo.exports.documents import DocumentContext

    return DocumentContext(parent_body="UBND TỈNH NINH BÌNH", issuing_body="SỞ NỘI VỤ", place="Ninh Bình",
                           number_suffix="SNV", secretariat_name="Phòng Nội vụ", today=date(2026, 12, 16))


def _app_sheets(case: str, rows: int):
    """The app's own documents (danvankheo.exports.documents) fed with the same values."""
    from danvankheo.exports import documents

    if case == "ranking":
        criteria = [documents.CriterionInfo(code, f"Tiêu chí {code}", Decimal(m)) for code, m in zip(CRITERIA, MAXIMA,
                                                                                                   strict=True)]

        def lines():
            for row in ranking_rows(rows):
                yield documents.RankingLine(name=row[1], unit_name=row[2], field=row[3],
                                            criterion_means=dict(zip(CRITERIA, row[4:9], strict=True)),
                                            total=row[9], grade=row[10], rank=row[11], note=row[12])

        # The ranking sheet only: the per-score detail sheet is measured apart (see PERFORMANCE.md).
        return documents.ranking_sheets(_context(), round_name="Đánh giá mô hình năm 2026", year=2026,
                                        criteria=criteria, lines=lines(), scores=[])
    if case == "registry":
        return documents.registry_sheets(_context(), registry_rows(rows), ["năm 2026"])
    if case == "compliance":
        return documents.compliance_sheets(_context(), 2026, compliance_lines(rows))
    split = int(rows * 0.7)
    lines = [documents.ProposalListLine(collective=row[0] <= split, recipient_name=row[1], position_and_unit=row[2],
                                        initiative_name=row[3], summary=row[7], score=row[5], grade=row[6],
                                        award_form=row[8], note=row[9])
             for row in commendation_rows(rows)]
    proposal = documents.ProposalList(title="Phong trào thi đua “Dân vận khéo” năm 2026", year=2026,
                                      submission_number="125", submission_date=None, signer_name="Nguyễn Văn A",
                                      signer_title="Giám đốc", signer_authority="KT. Giám đốc", lines=lines)
    return documents.proposal_sheets(_context(), proposal)


def write_app(case: str, rows: int, target) -> None:
    from danvankheo.exports import xlsx

    xlsx.write_workbook(_app_sheets(case, rows), target)


def write_bare(case: str, rows: int, target) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    if case == "registry":
        source = ([n, *row] for n, row in enumerate(registry_rows(rows), 1))
    else:
        source = ranking_rows(rows) if case == "ranking" else commendation_rows(rows)
    for row in source:
        ws.append(row)
    wb.save(target)


DIGEST_CASES = [("registry", 2100), ("ranking", 2000), ("commendation", 2000), ("compliance", 400)]


def digests() -> dict[str, str]:
    """SHA-256 of every part of each case's workbook but docProps (which holds the time it
    was written): a change to the writer that keeps these keeps the files."""
    import hashlib
    import io
    import zipfile

    result = {}
    for case, rows in DIGEST_CASES:
        buffer = io.BytesIO()
        write_app(case, rows, buffer)
        with zipfile.ZipFile(buffer) as package:
            for name in sorted(package.namelist()):
                if not name.startswith("docProps/"):
                    result[f"{case}-{rows}:{name}"] = hashlib.sha256(package.read(name)).hexdigest()
    return result


def measure_once(case: str, rows: int, writer: str, measure: str) -> dict:
    """Run in the subprocess: one write, timed or traced."""
    fn = write_app if writer == "app" else write_bare
    # Imports happen before timing and tracing: only the writing is measured.
    import openpyxl  # noqa: F401

    if writer == "app":
        from danvankheo.exports import documents, xlsx  # noqa: F401
    with tempfile.TemporaryFile() as target:
        if measure == "memory":
            import tracemalloc

            tracemalloc.start()
            fn(case, rows, target)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            result = {"tracemalloc_peak_mb": peak / 1024 / 1024}
        else:
            started, cpu_started = time.perf_counter(), time.process_time()
            fn(case, rows, target)
            result = {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu_started}
        target.seek(0, 2)
        result["bytes"] = target.tell()
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _subprocess(case: str, rows: int, writer: str, measure: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.export", "--case", case, "--rows", str(rows), "--writer", writer,
         "--measure", measure],
        cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


CASES = [("ranking", 7000), ("ranking", 70000), ("commendation", 2000), ("registry", 2100)]


def run(repeat: int = 3, only: list[str] | None = None) -> dict:
    cases = [(case, rows) for case, rows in CASES if not only or f"{case}-{rows}" in only]
    results = {}
    for case, rows in cases:
        entry: dict = {}
        for writer in ("app", "bare"):
            entry[writer] = {"seconds": [], "cpu_seconds": []}
        for _ in range(repeat):  # alternate app and bare so load spikes hit both
            for writer in ("app", "bare"):
                measured = _subprocess(case, rows, writer, "time")
                entry[writer]["seconds"].append(measured["seconds"])
                entry[writer]["cpu_seconds"].append(measured["cpu_seconds"])
        for writer in ("app", "bare"):
            memory = _subprocess(case, rows, writer, "memory")
            entry[writer].update(memory)
            for key in ("seconds", "cpu_seconds"):
                values = sorted(entry[writer][key])
                entry[writer][f"median_{key}"] = values[len(values) // 2]
        # The ratio is of CPU time: on a shared machine the wall time of a single-threaded
        # writer mostly measures the other processes; the wall-time ratio is kept beside it.
        entry["ratio"] = entry["app"]["median_cpu_seconds"] / entry["bare"]["median_cpu_seconds"]
        entry["ratio_wall"] = entry["app"]["median_seconds"] / entry["bare"]["median_seconds"]
        results[f"{case}-{rows}"] = entry
        print(f"export {case} {rows:>6,} rows: app {entry['app']['median_cpu_seconds']:.2f} s CPU "
              f"({entry['app']['median_seconds']:.2f} s wall), bare openpyxl {entry['bare']['median_cpu_seconds']:.2f} s "
              f"CPU ({entry['bare']['median_seconds']:.2f} s wall) -> ratio {entry['ratio']:.2f} "
              f"(wall {entry['ratio_wall']:.2f}) "
              f"[target <= 1.3: {'met' if entry['ratio'] <= 1.3 else 'NOT met'}]; peak traced "
              f"{entry['app']['tracemalloc_peak_mb']:.1f} MB (bare {entry['bare']['tracemalloc_peak_mb']:.1f} MB), "
              f"max RSS {entry['app']['max_rss_mb']:.0f} MB (bare {entry['bare']['max_rss_mb']:.0f} MB), "
              f"file {entry['app']['bytes'] / 1e6:.1f} MB")
    if "ranking-7000" not in results or "ranking-70000" not in results:
        return results
    small, large = results["ranking-7000"]["app"], results["ranking-70000"]["app"]
    results["memory_growth_7k_to_70k_mb"] = {
        "tracemalloc_peak": large["tracemalloc_peak_mb"] - small["tracemalloc_peak_mb"],
        "max_rss": large["max_rss_mb"] - small["max_rss_mb"],
    }
    print(f"export memory 7,000 -> 70,000 rows: traced peak {small['tracemalloc_peak_mb']:.1f} -> "
          f"{large['tracemalloc_peak_mb']:.1f} MB, max RSS {small['max_rss_mb']:.0f} -> {large['max_rss_mb']:.0f} MB")
    return results


def route_timing(database_url: str, label: str, repeat: int = 2) -> dict:
    """The whole ranking export as a user gets it: GET /xuat-excel/dot-danh-gia/<id>/xep-hang
    (ranking computed, the ranking sheet and the per-score detail sheet written), by `noivu`
    for its organiser's round (province 1's in the two-level national dataset)."""
    from sqlalchemy import func, select

    from bench.common import secretariat_round
    from bench.generate import PASSWORD, make_app
    from danvankheo.extensions import db
    from danvankheo.scoring.models import Score, Scorecard, ScorecardState

    app = make_app(database_url, WTF_CSRF_ENABLED=False)
    with app.app_context():
        round_id = secretariat_round(db, "noivu").id  # the round of noivu's organiser
        detail_rows = db.session.scalar(
            select(func.count()).select_from(Score).join(Scorecard, Score.scorecard_id == Scorecard.id)
            .where(Scorecard.round_id == round_id, Scorecard.state == ScorecardState.SUBMITTED))
        db.session.remove()
    client = app.test_client()
    assert client.post("/dang-nhap", data={"login": "noivu", "password": PASSWORD}).status_code == 302
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(f"/xuat-excel/dot-danh-gia/{round_id}/xep-hang")
        size = len(response.data)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    with app.app_context():
        db.engine.dispose()
    result = {"dataset": label, "detail_rows": detail_rows, "seconds": sorted(times)[0], "bytes": size,
              "excel_row_limit": 1_048_576, "detail_fits_in_one_sheet": detail_rows < 1_048_576}
    print(f"export route [{label}] ranking + {detail_rows:,} score rows: {result['seconds']:.2f} s, "
          f"{size / 1e6:.1f} MB")
    return result


def registry_route_timing(database_url: str, label: str, repeat: int = 7) -> dict:
    """The registry list's download as province 1's secretariat (`noivu`) gets it:
    GET /xuat-excel/mo-hinh?nam=<the benchmark year>, the query and the writer, timed to the
    last byte (wall and CPU time of this process, median of `repeat`)."""
    from bench.common import secretariat_round
    from bench.generate import PASSWORD, make_app
    from danvankheo.extensions import db

    app = make_app(database_url, WTF_CSRF_ENABLED=False)
    with app.app_context():
        year = secretariat_round(db, "noivu").year
        db.session.remove()
    client = app.test_client()
    assert client.post("/dang-nhap", data={"login": "noivu", "password": PASSWORD}).status_code == 302
    path = f"/xuat-excel/mo-hinh?nam={year}"
    client.get(path).close()  # warm-up: connection pool, imports
    wall, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path)
        size = len(response.get_data())
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        assert response.status_code == 200 and response.mimetype.endswith("sheet"), response.status_code
        response.close()
    with app.app_context():
        db.engine.dispose()
    result = {"dataset": label, "path": path, "bytes": size, "seconds": wall, "cpu_seconds": cpu,
              "median_seconds": sorted(wall)[len(wall) // 2], "median_cpu_seconds": sorted(cpu)[len(cpu) // 2]}
    print(f"export route [{label}] {path} as noivu: median {result['median_seconds'] * 1000:.0f} ms "
          f"({result['median_cpu_seconds'] * 1000:.0f} ms CPU), {size / 1e6:.2f} MB")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=["ranking", "commendation", "registry", "compliance"])
    parser.add_argument("--rows", type=int)
    parser.add_argument("--writer", choices=["app", "bare"])
    parser.add_argument("--measure", choices=["time", "memory"], default="time")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="comma-separated cases, e.g. registry-2100 (saved as export-<cases>.json)")
    parser.add_argument("--digest", action="store_true",
                        help="print the SHA-256 of each part of fixed workbooks, to compare before and after a change")
    parser.add_argument("--registry-route", action="store_true",
                        help="time the registry list's download on DATABASE_URL (BENCH_LABEL names it)")
    parser.add_argument("--route", action="store_true",
                        help="time the real export route on DATABASE_URL instead (BENCH_LABEL names it)")
    args = parser.parse_args(argv)
    if args.registry_route:
        import os

        label = os.environ.get("BENCH_LABEL", "national")
        save(f"export-registry-route-{label}", registry_route_timing(os.environ["DATABASE_URL"], label,
                                                                     args.repeat))
        return 0
    if args.route:
        import os

        label = os.environ.get("BENCH_LABEL", "province")
        save(f"export-route-{label}", route_timing(os.environ["DATABASE_URL"], label))
        return 0
    if args.digest:
        for name, digest in digests().items():
            print(digest, name)
        return 0
    if args.case:
        print(json.dumps(measure_once(args.case, args.rows, args.writer, args.measure)))
        return 0
    only = args.only.split(",") if args.only else None
    save(f"export-{'-'.join(only)}" if only else "export", run(args.repeat, only))
    return 0


if __name__ == "__main__":
    sys.exit(main())
