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
