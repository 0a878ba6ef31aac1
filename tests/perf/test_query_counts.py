"""The main pages issue a number of queries that does not grow with the data.

Each test measures a page with few rows, adds many more, and measures again: the counts must
be equal. The page size is raised so that every row is rendered, so a lazy load per row (N+1)
would show as a difference. The counts themselves are printed in the failure message.
"""

from __future__ import annotations

import pytest

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from tests import factories
from tests.perf.querycount import assert_constant, queries_for

FEW, MANY = 10, 200


@pytest.fixture
def big_pages(app):
    app.config["PAGE_SIZE"] = 500
    return app


def _units(n: int, parent=None):
    return [factories.make_unit(parent=parent) for _ in range(n)]


def test_admin_units(client, login_as, big_pages):
    login_as(Role.ADMIN)
    root = factories.make_unit()
    _units(FEW, parent=root)
    db.session.commit()
    small = queries_for(client, "/quan-tri/don-vi")
    _units(MANY - FEW, parent=root)
    db.session.commit()
    large = queries_for(client, "/quan-tri/don-vi")
    assert_constant(small, large, "admin units")


def test_admin_users(client, login_as, big_pages):
    login_as(Role.ADMIN)
    unit = factories.make_unit()

    def users(n):
        for _ in range(n):
            factories.make_user(Role.STAFF, Role.EVALUATOR, unit=unit)
        db.session.commit()

    users(FEW)
    small = queries_for(client, "/quan-tri/nguoi-dung?q=nguyen")
    users(MANY - FEW)
    large = queries_for(client, "/quan-tri/nguoi-dung?q=nguyen")
    assert_constant(small, large, "admin users")


# --- Registry (issue 3) ------------------------------------------------------------------------


def _submitted_models(n: int, units, *, year: int = 2026, tags=("chuyển đổi số", "dân vận khéo")):
    from danvankheo.registry.models import InitiativeTag, Status

    made = []
    for i in range(n):
        unit = units[i % len(units)]
        initiative = factories.make_initiative(unit, status=Status.SUBMITTED, year=year,
                                               name=f"Mô hình Dân vận khéo chuyển đổi số {i}",
                                               members=[("Lê Văn Một", "Trưởng thôn"), ("Trần Thị Hai", "")])
        for tag in tags:
            initiative.tags.append(InitiativeTag(tag=tag))
        db.session.flush()
        initiative.refresh_search_text()
        made.append(initiative)
    db.session.commit()
    return made


@pytest.mark.parametrize(
    "url",
    [
        "/mo-hinh",
        "/mo-hinh?nam=2026&linh_vuc=political_system&trang_thai=submitted&loai=collective",
        "/mo-hinh?q=dan+van+khéo",
        "/mo-hinh?q=CHUYEN+DOI+SO&nam=2026&don_vi={root}",
        "/mo-hinh?ten_don_vi=so+thu+nghiem&loai_don_vi=department&nam=2026",
        "/mo-hinh?q=dan+van&ten_don_vi={root_code}",
    ],
)
def test_registry_list_with_filters_and_search(client, login_as, big_pages, url):
    login_as(Role.SECRETARIAT)
    root = factories.make_unit()
    units = _units(5, parent=root)
    url = url.format(root=root.id, root_code=root.code)
    _submitted_models(FEW, units)
    small = queries_for(client, url)
    _submitted_models(MANY - FEW, units)
    large = queries_for(client, url)
    assert_constant(small, large, f"registry list {url}")


def test_registry_unit_suggestions(client, login_as, big_pages):
    login_as(Role.SECRETARIAT)
    root = factories.make_unit()
    _units(FEW, parent=root)
    db.session.commit()
    small = queries_for(client, "/mo-hinh/don-vi?q=so+thu")
    _units(MANY - FEW, parent=root)
    db.session.commit()
    large = queries_for(client, "/mo-hinh/don-vi?q=so+thu")
    assert_constant(small, large, "registry unit suggestions")


def test_registry_list_for_staff(client, login_as, big_pages):
    unit = factories.make_unit()
    login_as(Role.STAFF, unit=unit)
    _submitted_models(FEW, [unit])
    small = queries_for(client, "/mo-hinh?q=dan+van")
    _submitted_models(MANY - FEW, [unit])
    large = queries_for(client, "/mo-hinh?q=dan+van")
    assert_constant(small, large, "registry list (staff)")


def _grow_model(initiative, start: int, stop: int, secretariat):
    """Members, tags, evidence rows, history and follow-up models numbered start..stop-1."""
    from danvankheo.evidence.models import Evidence
    from danvankheo.registry.models import InitiativeMember, InitiativeTag, Status, Transition

    for n in range(start, stop):
        initiative.members.append(InitiativeMember(full_name=f"Thành viên {n}", position="Tổ viên",
                                                   position_order=n))
        initiative.tags.append(InitiativeTag(tag=f"chủ đề {n}"))
        db.session.add(Evidence(initiative_id=initiative.id, original_name=f"Ảnh hoạt động {n}.png",
                                storage_key=f"ab/{n:032x}/{n:032x}", content_type="image/png", size=100,
                                sha256=f"{n:064x}", uploaded_by_id=secretariat.id))
        db.session.add(Transition(initiative_id=initiative.id, from_status=Status.SUBMITTED,
                                  to_status=Status.RETURNED, actor_id=secretariat.id, reason=f"Bổ sung {n}"))
        follower = factories.make_initiative(initiative.unit, status=Status.SUBMITTED, year=2027,
                                             continues_id=initiative.id)
        follower.replicates_id = initiative.id
    db.session.commit()


def test_model_page(client, login_as, big_pages):
    from danvankheo.registry.models import Status

    secretariat = login_as(Role.SECRETARIAT)
    initiative = factories.make_initiative(status=Status.SUBMITTED)
    db.session.commit()
    _grow_model(initiative, 0, FEW, secretariat)
    small = queries_for(client, f"/mo-hinh/{initiative.id}")
    _grow_model(initiative, FEW, MANY, secretariat)
    large = queries_for(client, f"/mo-hinh/{initiative.id}")
    assert_constant(small, large, "model page")


def test_compliance(client, login_as, big_pages):
    from danvankheo.units.models import UnitKind

    login_as(Role.SECRETARIAT)
    root = factories.make_unit(kind=UnitKind.PROVINCE)

    def grow(n):
        units = [factories.make_unit(kind=UnitKind.COMMUNE, parent=root) for _ in range(n)]
        _submitted_models(n, units[: n // 2] or units)
        db.session.commit()

    grow(FEW)
    small = queries_for(client, "/mo-hinh/tinh-hinh-dang-ky?nam=2026")
    grow(MANY - FEW)
    large = queries_for(client, "/mo-hinh/tinh-hinh-dang-ky?nam=2026")
    assert_constant(small, large, "compliance")


# --- Dashboard (issue 6) -----------------------------------------------------------------------


def test_dashboard(client, login_as, big_pages):
    from danvankheo.units.models import UnitKind

    login_as(Role.OBSERVER)
    root = factories.make_unit(kind=UnitKind.PROVINCE)

    def grow(n):
        units = [factories.make_unit(kind=UnitKind.COMMUNE, parent=root) for _ in range(max(n // 4, 1))]
        _submitted_models(n, units)
        _submitted_models(max(n // 4, 1), units, year=2025)

    grow(FEW)
    small = queries_for(client, "/thong-ke?nam=2026")
    grow(MANY - FEW)
    large = queries_for(client, "/thong-ke?nam=2026")
    assert_constant(small, large, "dashboard")


# --- Scoring (issue 4) -------------------------------------------------------------------------


def _scored_round(n_models: int, *, year: int, secretariat, evaluators, submitted_share: float = 0.5):
    """A round in scoring with `n_models` accepted models, every evaluator assigned to each,
    and submitted scorecards for the first `submitted_share` of the models."""
    from danvankheo.registry.models import Status
    from danvankheo.scoring import assignments, rounds, scorecards
    from tests.scoring.conftest import full_marks

    root = factories.make_unit()
    units = _units(4, parent=root)
    models = [factories.make_initiative(units[i % 4], status=Status.ACCEPTED, year=year,
                                        name=f"Mô hình chấm điểm {year} số {i}") for i in range(n_models)]
    round_ = rounds.create_round(
        rounds.RoundSettings(name=f"Đợt {year}", year=year, min_scorecards=1, is_blind=False),
        by=secretariat, include_eligible=False)
    rounds.add_entries(round_, [m.id for m in models])
    assignments.set_panel(round_, evaluators)
    for model in models:
        for evaluator in evaluators:
            assignments.assign(round_, model, evaluator, notify_evaluator=False)
    rounds.start_scoring(round_)
    for n, model in enumerate(models):
        if n < n_models * submitted_share:
            for evaluator in evaluators:
                scorecards.save_scorecard(round_, model, evaluator, full_marks(round_, n % 7), submit=True)
    db.session.commit()
    return round_, models


@pytest.fixture
def scoring_world(app, make_user):
    from danvankheo.units.models import UnitKind

    council = factories.make_unit(kind=UnitKind.OTHER)
    secretariat = make_user(Role.SECRETARIAT)
    few_panel = [make_user(Role.EVALUATOR, unit=council) for _ in range(2)]
    many_panel = [make_user(Role.EVALUATOR, unit=council) for _ in range(2)]
    small = _scored_round(FEW, year=2025, secretariat=secretariat, evaluators=few_panel)
    large = _scored_round(MANY, year=2026, secretariat=secretariat, evaluators=many_panel)
    return {"secretariat": secretariat, "few_panel": few_panel, "many_panel": many_panel,
            "small": small, "large": large}


def test_scoring_pages(client, login_as, big_pages, scoring_world):
    """Round overview, progress and ranking; the evaluator's queue and scoring form (also with
    many evidence files): one world of two rounds (10 and 200 models) serves them all."""
    from danvankheo.evidence.models import Evidence

    small_round, small_models = scoring_world["small"]
    large_round, large_models = scoring_world["large"]
    login_as(scoring_world["secretariat"])
    for suffix in ("tien-do", "tien-do?chua_du=1", "xep-hang", "xep-hang?sap_xep=diem&q=cham+diem", ""):
        small = queries_for(client, f"/dot-danh-gia/{small_round.id}/{suffix}".rstrip("/"))
        large = queries_for(client, f"/dot-danh-gia/{large_round.id}/{suffix}".rstrip("/"))
        assert_constant(small, large, f"round page {suffix or 'overview'}")
    client.post("/dang-xuat")

    login_as(scoring_world["few_panel"][0])
    small_queue = queries_for(client, "/cham-diem/")
    small_form = queries_for(client, f"/cham-diem/{small_round.id}/{small_models[0].id}")
    client.post("/dang-xuat")
    login_as(scoring_world["many_panel"][0])
    large_queue = queries_for(client, "/cham-diem/")
    large_form = queries_for(client, f"/cham-diem/{large_round.id}/{large_models[0].id}")
    assert_constant(small_queue, large_queue, "evaluator's queue")
    assert_constant(small_form, large_form, "scoring form")

    model = large_models[1]

    def evidence(start, stop):
        for n in range(start, stop):
            db.session.add(Evidence(initiative_id=model.id, original_name=f"Báo cáo {n}.pdf",
                                    storage_key=f"cd/{n:032x}/{n:032x}", content_type="application/pdf",
                                    size=100, sha256=f"{n:064x}"))
        db.session.commit()

    evidence(0, FEW)
    small = queries_for(client, f"/cham-diem/{large_round.id}/{model.id}")
    evidence(FEW, MANY)
    large = queries_for(client, f"/cham-diem/{large_round.id}/{model.id}")
    assert_constant(small, large, "scoring form with many evidence files")
