"""Registry list and search pages: p50 and p95 over a few hundred requests.

    DATABASE_URL=postgresql+psycopg://.../dvk_bench python -m bench.registry

Requests go through the whole app in-process (Flask's test client), rendering included, for
two readers in turn: `noivu`, province 1's secretariat (its filters are its province and its
communes), and `theodoi`, the national observer, who reads every province (filters over the
whole country); in the province dataset both read the one province. List pages with varied
filters (year, field, state, kind, a province's subtree, one commune) and searches typed with
and without diacritics, alone and combined with filters, in a fixed shuffled order. Then list
pages filtered by a typed unit name or code (`ten_don_vi`, the unit filter's text box), and
the suggestions that box asks for as the user types (`/mo-hinh/don-vi?q=`), reported apart.
The ratio is each p50 against the p50 of a trivial page of the app's layout measured in the
same run.
"""

from __future__ import annotations

import os
import random
import sys
import time
from urllib.parse import urlencode

from sqlalchemy import func, select

from bench.common import ms, percentile, save

SEARCHES = [
    "dan van kheo", "Dân vận khéo", "DAN VAN KHEO", "chuyển đổi số", "chuyen doi so", "nông thôn mới",
    "nong thon moi", "hiến đất", "hien dat lam duong", "OCOP", "ocop hop tac xa", "xoa nha tam",
    "Xóa nhà tạm", "phụ nữ khởi nghiệp", "camera an ninh", "bien gioi cot moc", "tôn giáo",
    "Hòa Bình", "tan phu", "du lich cong dong", "khuyến học", "đồng hành", "Ninh Bình", "dong thap",
    "thanh nien tinh nguyen", "giam ngheo ben vung", "an sinh", "tiep cong dan", "y te", "nam 2025",
]
FIELDS = ["economy", "culture_society", "defence_security", "political_system"]
STATUSES = ["accepted", "submitted", "returned", "rejected"]


def _within(query, organiser_id: int | None):
    from danvankheo.units.models import Unit

    return query if organiser_id is None else query.where(Unit.organiser_id == organiser_id)


def reader_organiser(db, login: str) -> int | None:
    """The organiser a secretariat's filters stay in; None for an observer (reads all below)."""
    from danvankheo.auth.models import User, UserRole
    from danvankheo.core.roles import Role

    return db.session.scalar(
        select(UserRole.organiser_id).join(User, User.id == UserRole.user_id)
        .where(User.login == login, UserRole.role == Role.SECRETARIAT).order_by(UserRole.organiser_id))


def page_token(db, reader, page: int, per_page: int = 25) -> str:
    """The `sau=` token that opens page `page` of `reader`'s whole list: the key of the last
    model of the page before it (the list is paged by key, not by number)."""
    from danvankheo.core.paging import encode_cursor
    from danvankheo.registry.services import LIST_ORDER, filtered_initiatives_query

    keys = filtered_initiatives_query(reader, {}).with_only_columns(*(k.column for k in LIST_ORDER))
    return encode_cursor(list(db.session.execute(keys.offset((page - 1) * per_page - 1).limit(1)).one()))


def build_urls(db, rng: random.Random, count: int = 300, organiser_id: int | None = None,
               reader=None) -> list[tuple[str, str]]:
    """(kind, url) pairs: 'list' for filter-only pages, 'search' for pages with a query; the unit
    filters within `organiser_id`'s units when given. One list page in eight, unfiltered, is
    opened deep in `reader`'s list, as its "Sau" links would (the first page without a reader)."""
    from danvankheo.registry.models import Initiative
    from danvankheo.units.models import Unit, UnitKind

    years = sorted(db.session.scalars(select(Initiative.year).distinct()))
    provinces = list(db.session.scalars(_within(select(Unit.id).where(Unit.kind == UnitKind.PROVINCE), organiser_id)))
    communes = list(db.session.scalars(
        _within(select(Unit.id).where(Unit.kind == UnitKind.COMMUNE), organiser_id).order_by(Unit.id).limit(400)))
    total = db.session.scalar(select(func.count()).select_from(Initiative))
    pages = max(1, min(40, total // 25))
    urls = []
    for n in range(count):
        args: dict[str, object] = {}
        kind = "search" if n % 2 else "list"
        choice = n % 8
        if kind == "search":
            args["q"] = rng.choice(SEARCHES)
        if choice in (1, 4, 7):
            args["nam"] = rng.choice(years)
        if choice in (2, 5):
            args["linh_vuc"] = rng.choice(FIELDS)
        if choice == 3:
            args["trang_thai"] = rng.choice(STATUSES)
        if choice == 4:
            args["loai"] = rng.choice(["collective", "individual"])
        if choice == 5:
            args["don_vi"] = rng.choice(provinces)
        if choice == 6:
            args["don_vi"] = rng.choice(communes)
        if choice == 0 and kind == "list":
            page = rng.randrange(1, pages + 1)
            if reader is not None and page > 1:
                args["sau"] = page_token(db, reader, page)
        urls.append((kind, "/mo-hinh" + ("?" + urlencode(args) if args else "")))
    rng.shuffle(urls)
    return urls


UNIT_TEXTS = ["ninh binh", "Ninh Bình", "HÀ NỘI", "so y te", "Sở Tư pháp", "so tu phap ha noi", "y te ninh binh",
              "ban dan van", "hoi nong dan", "xa", "phuong", "UBND xã", "tinh doan", "bao hiem xa hoi"]


def build_unit_urls(db, rng: random.Random, count: int = 60,
                    organiser_id: int | None = None) -> list[tuple[str, str]]:
    """('unit', url) list pages filtered by a typed unit name, alone or with a year or a search;
    ('lookup', url) the suggestions for the same kind of text, as typed letter by letter."""
    from danvankheo.registry.models import Initiative
    from danvankheo.units.models import Unit, UnitKind

    years = sorted(db.session.scalars(select(Initiative.year).distinct()))
    communes = list(db.session.execute(
        _within(select(Unit.name, Unit.code).where(Unit.kind == UnitKind.COMMUNE), organiser_id)
        .order_by(Unit.id).limit(400)))
    urls = []
    for n in range(count):
        pick = n % 4 if communes else 2
        if pick == 0:
            text = rng.choice(communes).name  # a commune by its full name, with diacritics
        elif pick == 1:
            text = rng.choice(communes).code
        else:
            text = rng.choice(UNIT_TEXTS)
        args: dict[str, object] = {"ten_don_vi": text}
        if n % 3 == 1:
            args["nam"] = rng.choice(years)
        if n % 5 == 2:
            args["q"] = rng.choice(SEARCHES)
        urls.append(("unit", "/mo-hinh?" + urlencode(args)))
        typed = text[: rng.randrange(2, len(text) + 1)] if n % 2 else ""
        urls.append(("lookup", "/mo-hinh/don-vi?" + urlencode({"q": typed})))
    rng.shuffle(urls)
    return urls


def run(database_url: str, label: str = "national", count: int = 300, login: str = "noivu") -> dict:
    from bench.generate import PASSWORD, make_app
    from bench.wsgi import TRIVIAL_PATH, add_trivial_route
    from danvankheo.extensions import db

    app = add_trivial_route(make_app(database_url, WTF_CSRF_ENABLED=False))
    rng = random.Random(8)
    with app.app_context():
        organiser_id = reader_organiser(db, login)
        from danvankheo.auth.models import User

        reader = db.session.scalar(select(User).where(User.login == login))
        urls = build_urls(db, rng, count, organiser_id, reader)
        unit_urls = build_unit_urls(db, random.Random(9), count // 5, organiser_id)
        db.session.remove()
    client = app.test_client()
    response = client.post("/dang-nhap", data={"login": login, "password": PASSWORD})
    assert response.status_code == 302, f"login as {login} failed: is the dataset generated?"

    def timed(url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        return elapsed

    for _, url in urls[:20] + unit_urls[:6]:  # warm-up: caches, connection pool, template compilation
        timed(url)
    for _ in range(20):
        timed(TRIVIAL_PATH)
    times: dict[str, list[float]] = {"list": [], "search": [], "unit": [], "lookup": [], "trivial": []}
    for n, (kind, url) in enumerate(urls + unit_urls):
        times[kind].append(timed(url))
        if n % 3 == 0:
            times["trivial"].append(timed(TRIVIAL_PATH))
    with app.app_context():
        db.engine.dispose()
    summary = {}
    for kind, values in times.items():
        summary[kind] = {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
                         "max": max(values)}
    # "all" is every list page: the original mix and the pages filtered by a typed unit name.
    pages = times["list"] + times["search"] + times["unit"]
    summary["all"] = {"n": len(pages), "p50": percentile(pages, 50), "p95": percentile(pages, 95), "max": max(pages)}
    trivial = summary["trivial"]["p50"]
    result = {
        "dataset": label, "reader": login, "reader_organiser_id": organiser_id, "requests": len(pages),
        "summary": summary,
        "ratio_p50_list_to_trivial": summary["list"]["p50"] / trivial,
        "ratio_p50_search_to_trivial": summary["search"]["p50"] / trivial,
        "ratio_p50_unit_to_trivial": summary["unit"]["p50"] / trivial,
        "target": "p95 < 150 ms", "met": summary["all"]["p95"] < 0.150,
        "sample_urls": [u for _, u in urls[:12]] + [u for _, u in unit_urls[:4]],
    }
    for kind in ("list", "search", "unit", "all", "lookup", "trivial"):
        s = summary[kind]
        print(f"registry [{label}, {login}] {kind:<7} n={s['n']:<4} p50 {ms(s['p50'])}  p95 {ms(s['p95'])}  max {ms(s['max'])}")
    print(f"registry [{label}, {login}] ratio p50 list/trivial {result['ratio_p50_list_to_trivial']:.2f}, "
          f"search/trivial {result['ratio_p50_search_to_trivial']:.2f}, "
          f"unit/trivial {result['ratio_p50_unit_to_trivial']:.2f} "
          f"[target p95 < 150 ms: {'met' if result['met'] else 'NOT met'}]")
    return result


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.registry")
    parser.add_argument("--reader", choices=["noivu", "theodoi", "both"], default="both",
                        help="province 1's secretariat, the national observer, or both in turn")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("DATABASE_URL is required", file=sys.stderr)
        return 2
    label = os.environ.get("BENCH_LABEL", "national")
    # registry-<label> is the secretariat's (as before), registry-<label>-observer the observer's.
    for login, suffix in (("noivu", ""), ("theodoi", "-observer")):
        if args.reader in (login, "both"):
            save(f"registry-{label}{suffix}", run(url, label=label, login=login))
    return 0


if __name__ == "__main__":
    sys.exit(main())
