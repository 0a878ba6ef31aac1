"""The ranking page is one keyset query with its ranks (scoring/ranking_page.py); the whole
list built in Python (`compute_ranking`, then `filter_ranking`) is the reference. On generated
rounds full of ties and incomplete models, every row of every page, walked by key forwards and
back, under every sort and filter, must be the reference's row: rank, score, grade, flags and
both bases alike. The published snapshot and the Excel export read the whole list: they must
agree with the pages too."""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Field, Status
from danvankheo.scoring import adjustment, assignments, ranking_page, rounds, scorecards
from danvankheo.scoring.agreement import submitted_totals
from danvankheo.scoring.models import AggregationMethod, RankingBasis
from danvankheo.scoring.ranking import compute_ranking, ranking_for
from danvankheo.scoring.ranking_filters import filter_ranking
from danvankheo.units.models import UnitKind
from tests.factories import make_initiative, make_unit, make_user
from tests.keyset_walk import walk

UNIT_NAMES = [("Sở Y tế", UnitKind.DEPARTMENT), ("Ban Ăn uống", UnitKind.DEPARTMENT),
              ("Sở Âm nhạc", UnitKind.DEPARTMENT), ("Huyện Gia Viễn", UnitKind.DISTRICT)]
MODEL_NAMES = ["Ánh sáng", "Anh em", "Ấm áp", "An toàn", "Bản làng", "Bàn tay", "Ăn ngon", "Đoàn kết"]


def _generated_round(seed: int, method: AggregationMethod = AggregationMethod.MEAN, n_models: int = 27):
    """A scoring round whose models tie often (few distinct scores, same names in several
    units), some with fewer scorecards than required (none at all, or one of the two), some
    scored far apart (disagreement), some by a harsh evaluator (adjusted grades change)."""
    rng = random.Random(seed)
    province = make_unit("UBND tỉnh", code="NB", kind=UnitKind.PROVINCE)
    units = [make_unit(name, kind=kind, parent=province) for name, kind in UNIT_NAMES]
    fields = [Field.POLITICAL_SYSTEM, Field.ECONOMY]
    models = [make_initiative(units[i % len(units)], name=MODEL_NAMES[i % len(MODEL_NAMES)] + " " * (i // 8),
                              status=Status.ACCEPTED, field=fields[(i // 3) % 2]) for i in range(n_models)]
    council = make_unit("Ban Dân vận", code="BDV", kind=UnitKind.OTHER)
    evaluators = [make_user(Role.EVALUATOR, unit=council) for _ in range(3)]
    round_ = rounds.create_round(rounds.RoundSettings(
        name="Đợt sinh ngẫu nhiên", year=2026, min_scorecards=2, aggregation=method,
        disagreement_threshold=Decimal(15)))
    assignments.set_panel(round_, evaluators)
    assignments.auto_assign(round_, 3)
    rounds.start_scoring(round_)
    criteria = {c.code: c for c in round_.criteria}
    for model in models:
        for k, evaluator in enumerate(evaluators[: rng.choice([0, 1, 2, 3, 3])]):
            tc2 = rng.choice(["20", "30"])
            tc3 = rng.choice(["10", "20"]) if k else rng.choice(["0", "10", "20"])  # the first one is harsh
            values = {"TC1": "10" if tc2 == "30" else "20", "TC2": tc2, "TC3": tc3, "TC4": "10", "TC5": "10"}
            scorecards.save_scorecard(round_, model, evaluator, {criteria[c].id: v for c, v in values.items()},
                                      submit=True)
    db.session.commit()
    return round_, models, units


ARGS = [
    {},
    {"chieu": "giam"},
    *({"sap_xep": sort, "chieu": way} for sort in ("diem", "ten", "don-vi", "chenh-lech", "la")
      for way in ("tang", "giam")),
    {"linh_vuc": "economy"},
    {"khoi": "district", "sap_xep": "diem"},
    {"xep_loai": "good"},
    {"xep_loai": "fail", "chieu": "giam"},
    {"tinh_trang": "chua-du"},
    {"tinh_trang": "chenh-lech", "sap_xep": "chenh-lech", "chieu": "giam"},
    {"q": "anh"},
    {"thuoc": "so y te"},
    {"thuoc": "ha noi"},
    {"linh_vuc": "political_system", "tinh_trang": "chua-du", "sap_xep": "ten", "chieu": "giam"},
]


def _walk_pages(round_, args: dict, per_page: int) -> tuple[list[list], list[list]]:
    """The pages of `ranking_page` read forwards by `sau`, then back by `truoc`."""
    view, page = ranking_page.ranking_page(round_, args, per_page=per_page)
    assert not page.has_prev
    forward = [page]
    while page.has_next:
        _view, page = ranking_page.ranking_page(round_, {**args, "sau": page.next_cursor}, per_page=per_page)
        assert page.has_prev
        forward.append(page)
    backward = [page]
    while page.has_prev:
        _view, page = ranking_page.ranking_page(round_, {**args, "truoc": page.prev_cursor}, per_page=per_page)
        backward.append(page)
    return [p.items for p in forward], [p.items for p in backward]


def _assert_pages_are_the_reference(round_, per_page: int = 4) -> None:
    for args in ARGS:
        expected = filter_ranking(round_, ranking_for(round_), args).rows
        forward, backward = _walk_pages(round_, args, per_page)
        walked = [row for items in forward for row in items]
        assert walked == expected, args
        assert [row for items in reversed(backward) for row in items] == expected, args
        assert all(len(items) == per_page for items in forward[:-1]), args
        _view, first = ranking_page.ranking_page(round_, args, per_page=per_page)
        assert first.total == len(expected) and not first.total_is_lower_bound


@pytest.mark.parametrize(("seed", "method"), [(1, AggregationMethod.MEAN), (3, AggregationMethod.TRIMMED_MEAN),
                                              (6, AggregationMethod.MEDIAN)])
def test_every_page_walked_by_key_is_the_whole_list(app, seed, method):
    round_, _models, _units = _generated_round(seed, method)
    assert ranking_page.pages_in_sql(round_)
    rows = compute_ranking(round_)
    # The data exercises what the ranks must get right:
    totals = [r.total for r in rows if r.complete]
    assert len(set(totals)) < len(totals) / 2, "ties"
    assert any(not r.complete and r.total is None for r in rows) and any(
        not r.complete and r.total is not None for r in rows), "incomplete models, with and without a score"
    assert any(r.is_disagreement for r in rows)
    assert any(adjustment.FLAG_GRADE_CHANGE in r.flags for r in rows)
    assert any(r.adjusted_rank != r.rank for r in rows if r.complete)
    # The adjusted scores the pages read from the round's kept figures are the pure computation.
    expected = adjustment.adjusted_scores(submitted_totals(round_, cached=False), method.value,
                                          max_total=round_.max_total)
    assert {r.initiative_id: r.adjusted_total for r in rows if r.adjusted_total is not None} == expected
    _assert_pages_are_the_reference(round_)
    _assert_pages_are_the_reference(round_, per_page=1)


@pytest.mark.parametrize(("seed", "method"), [(4, AggregationMethod.MEAN), (6, AggregationMethod.MEDIAN)])
def test_a_round_ranked_by_the_adjusted_score_pages_by_its_ranks(app, seed, method):
    round_, _models, _units = _generated_round(seed, method)
    adjustment.set_ranking_basis(round_, RankingBasis.ADJUSTED)
    assert ranking_page.pages_in_sql(round_)
    rows = compute_ranking(round_)
    # The adjusted order differs from the raw one, and the rows show the adjusted figures.
    assert [r.initiative_id for r in rows] != [r.initiative_id for r in sorted(rows, key=lambda r: (
        r.raw_rank is None, r.raw_rank or 0))]
    assert all(r.total == r.adjusted_total and r.rank == r.adjusted_rank for r in rows if r.complete)
    _assert_pages_are_the_reference(round_)
    _assert_pages_are_the_reference(round_, per_page=1)


def test_a_published_round_pages_the_whole_list(app):
    round_, _models, _units = _generated_round(4)
    rounds.close_scoring(round_)
    live = [row for items in _walk_pages(round_, {}, 5)[0] for row in items]
    rounds.finalise(round_)
    db.session.commit()
    assert not ranking_page.pages_in_sql(round_)
    assert ranking_for(round_) == live  # the published snapshot is the live pages
    _assert_pages_are_the_reference(round_, per_page=5)


def _shown(page: str) -> list[tuple[int, str]]:
    """(model id, rank cell) of each row of the ranking table."""
    return [(int(m[1]), m[2]) for m in re.finditer(
        r'<tr data-initiative="(\d+)"[^>]*>\s*<td class="fw-semibold">([^<]*)</td>', page)]


def test_the_page_walks_by_key_and_its_export_agrees(client, login_as, app, monkeypatch):
    round_, _models, units = _generated_round(5)
    monkeypatch.setattr(ranking_page, "PER_PAGE", 4)
    login_as(Role.SECRETARIAT)
    for query, must_keep in [("", ""), ("?sap_xep=diem&chieu=giam", "sap_xep=diem"),
                             (f"?don_vi={units[0].id}&sap_xep=ten", f"don_vi={units[0].id}")]:
        args = dict(pair.split("=") for pair in query[1:].split("&")) if query else {}
        expected = [(r.initiative_id, str(r.rank or "—")) for r in filter_ranking(round_, ranking_for(round_), args).rows]
        forward, backward = walk(client, f"/dot-danh-gia/{round_.id}/xep-hang{query}", _shown, must_keep)
        assert [row for rows in forward for row in rows] == expected
        assert [row for rows in reversed(backward) for row in rows] == expected
        assert len(forward) == -(-len(expected) // 4)
    page = client.get(f"/dot-danh-gia/{round_.id}/xep-hang").get_data(as_text=True)
    assert f"{len(compute_ranking(round_))} mô hình" in page


def test_a_token_of_another_sort_or_edited_by_hand_starts_from_the_first_page(app):
    round_, _models, _units = _generated_round(1)
    first = ranking_page.ranking_page(round_, {}, per_page=4)[1]
    by_name = ranking_page.ranking_page(round_, {"sap_xep": "ten"}, per_page=4)[1]
    for args in ({"sau": by_name.next_cursor}, {"truoc": by_name.next_cursor}, {"sau": "không-phải-mã"},
                 {"sap_xep": "chenh-lech", "sau": by_name.next_cursor}):
        page = ranking_page.ranking_page(round_, args, per_page=4)[1]
        expected = first if args.get("sap_xep") is None else ranking_page.ranking_page(
            round_, {"sap_xep": args["sap_xep"]}, per_page=4)[1]
        assert page.items == expected.items and not page.has_prev, args
