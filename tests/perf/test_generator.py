"""The benchmark dataset generator builds a consistent dataset through the app's models, on
SQLite and (in the PostgreSQL pass) on PostgreSQL, and the same seed gives the same data."""

from __future__ import annotations

from bench.generate import PRESETS, generate


def test_tiny_preset_builds_a_consistent_dataset(scratch_url, tmp_path):
    from danvankheo import create_app
    from danvankheo.extensions import db
    from danvankheo.registry.models import Initiative, Status
    from danvankheo.scoring import standings
    from danvankheo.scoring.models import Round, RoundState
    from danvankheo.scoring.ranking import compute_ranking

    preset = PRESETS["tiny"]
    counts = generate(preset, scratch_url, reset=True, upload_folder=str(tmp_path / "evidence"), log=lambda _: None)
    accepted = sum(preset.years.values())
    assert counts["round_entries"] == accepted
    assert counts["assignments"] == accepted * preset.evaluators_per_model
    assert counts["scores"] == counts["scorecards"] * 5
    assert counts["evidence_files"] >= counts["initiatives"]
    # Evidence rows point at real files with the right hash.
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_url,
                      "UPLOAD_FOLDER": str(tmp_path / "evidence")})
    with app.app_context():
        import hashlib

        from danvankheo.evidence.models import Evidence
        from danvankheo.evidence.storage import get_storage

        evidence = db.session.scalars(db.select(Evidence).limit(5)).all()
        for item in evidence:
            with get_storage().open(item.storage_key) as fh:
                assert hashlib.sha256(fh.read()).hexdigest() == item.sha256
        # The app ranks the generated round, and new rows get fresh ids (sequences moved on).
        round_ = db.session.scalars(db.select(Round).where(Round.state == RoundState.SCORING)).one()
        rows = compute_ranking(round_)
        assert len(rows) == preset.years[max(preset.years)]
        # The standing written in bulk is what the scoring services would have maintained.
        for each in db.session.scalars(db.select(Round)):
            assert standings.mismatches(each) == []
        # So are the counts of models the registry keeps.
        from danvankheo.registry import step_dates, tallies

        assert tallies.stored() and tallies.mismatches() == []
        assert step_dates.mismatches() == []
        assert rows[0].rank == 1 and rows[0].total is not None
        names = [i.name for i in db.session.scalars(db.select(Initiative).order_by(Initiative.id).limit(3))]
        assert db.session.scalar(db.select(db.func.count()).where(Initiative.status == Status.DRAFT)) > 0
        db.engine.dispose()
    # Same seed, same data.
    counts_again = generate(preset, scratch_url, reset=True, upload_folder=str(tmp_path / "evidence2"),
                            log=lambda _: None)
    assert {k: v for k, v in counts_again.items() if k != "seconds"} == {
        k: v for k, v in counts.items() if k != "seconds"}
    with app.app_context():
        again = [i.name for i in db.session.scalars(db.select(Initiative).order_by(Initiative.id).limit(3))]
        db.engine.dispose()
    assert again == names


def test_two_level_preset_gives_each_province_its_own_competition(scratch_url, tmp_path):
    """The national preset's shape (issue 14), small: the national root is the default
    organiser, each province an organiser under it with its own secretariat, observer, council,
    deadlines and rounds over its own models; the national observer reads every province."""
    from danvankheo import create_app
    from danvankheo.auth.models import User, UserRole
    from danvankheo.core.roles import SCOPED_ROLES, Role
    from danvankheo.extensions import db
    from danvankheo.organisers import access
    from danvankheo.organisers.models import Organiser, OrganiserLevel
    from danvankheo.organisers.services import refresh_unit_organisers
    from danvankheo.registry.models import Initiative, SubmissionDeadline
    from danvankheo.scoring import standings
    from danvankheo.scoring.models import Assignment, PanelMember, Round, RoundEntry
    from danvankheo.units.models import Unit

    preset = PRESETS["tiny-national"]
    counts = generate(preset, scratch_url, reset=True, upload_folder=str(tmp_path / "evidence"), log=lambda _: None)
    assert counts["organisers"] == preset.provinces + 1
    assert counts["rounds"] == preset.provinces * len(preset.years)
    assert counts["round_entries"] == sum(preset.years.values())  # the same totals, split by province
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_url,
                      "UPLOAD_FOLDER": str(tmp_path / "evidence")})
    with app.app_context():
        organisers = db.session.scalars(db.select(Organiser).order_by(Organiser.id)).all()
        national, provinces = organisers[0], organisers[1:]
        assert national.is_default and national.parent_id is None and national.unit.code == "TW"
        assert national.unit.parent_id is None and national.unit.organiser_id == national.id
        for org in provinces:
            assert not org.is_default and org.parent_id == national.id
            assert org.level is OrganiserLevel.PROVINCE and org.unit.parent_id == national.unit_id
            assert org.secretariat_name.startswith("Sở Nội vụ ") and org.place_name
        # Every unit's organiser is its province's: what the tree services compute.
        for unit in db.session.scalars(db.select(Unit).where(Unit.id != national.unit_id)):
            province_root = unit.path.split("/")[2]
            assert unit.organiser_id == next(o.id for o in provinces if str(o.unit_id) == province_root), unit.code
        assert refresh_unit_organisers() == 0
        assert [o.parent_id for o in db.session.scalars(db.select(Organiser).order_by(Organiser.id))] == [
            None, *[national.id] * preset.provinces]
        # Scoped roles are granted within an organiser, global ones in none.
        for grant in db.session.scalars(db.select(UserRole)):
            assert (grant.organiser_id is not None) == (grant.role in SCOPED_ROLES), grant
        by_login = {u.login: u for u in db.session.scalars(db.select(User))}
        first = provinces[0]
        assert by_login["noivu"].organisers_with(Role.SECRETARIAT) == [first.id]
        for n, org in enumerate(provinces, start=1):
            assert by_login[f"noivu.p{n:02d}"].organisers_with(Role.SECRETARIAT) == [org.id]
            assert by_login[f"theodoi.p{n:02d}"].organisers_with(Role.OBSERVER) == [org.id]
            assert access.readable_organiser_ids(by_login[f"noivu.p{n:02d}"]) == {org.id}
        observer = by_login["theodoi"]
        assert observer.organisers_with(Role.OBSERVER) == [national.id]
        assert access.readable_organiser_ids(observer) == {o.id for o in organisers}
        # Each province's deadlines, and its rounds over its own models, scored by its own council.
        assert db.session.scalar(db.select(db.func.count()).select_from(SubmissionDeadline)) == (
            preset.provinces * len(preset.years))
        assert not db.session.scalar(db.select(db.func.count()).where(SubmissionDeadline.organiser_id == national.id))
        for round_ in db.session.scalars(db.select(Round)):
            assert round_.organiser_id in {o.id for o in provinces}
            foreign = db.session.scalar(
                db.select(db.func.count()).select_from(RoundEntry)
                .join(Initiative, Initiative.id == RoundEntry.initiative_id).join(Unit, Unit.id == Initiative.unit_id)
                .where(RoundEntry.round_id == round_.id, Unit.organiser_id != round_.organiser_id))
            assert foreign == 0, round_.name
            council = set(db.session.scalars(db.select(UserRole.user_id).where(
                UserRole.role == Role.EVALUATOR, UserRole.organiser_id == round_.organiser_id)))
            assert set(db.session.scalars(db.select(PanelMember.user_id).where(PanelMember.round_id == round_.id))) \
                == council
            assert set(db.session.scalars(db.select(Assignment.evaluator_id).where(
                Assignment.round_id == round_.id))) <= council
            assert standings.mismatches(round_) == []
        db.engine.dispose()
