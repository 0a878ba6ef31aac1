"""`flask check-summaries`: every figure the app keeps beside its raw rows (models counted per
unit, each model's standing in its rounds, the survey counts) recomputed on the demo data, a
difference in each found and named, and repaired with --fix."""

from __future__ import annotations

from sqlalchemy import update

from danvankheo.demo import seed_demo
from danvankheo.extensions import db
from danvankheo.feedback.models import SurveyTally
from danvankheo.registry.models import InitiativeTally
from danvankheo.scoring.models import RoundEntry


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["check-summaries", *args])


def test_the_demo_summaries_agree_and_each_difference_is_found_and_repaired(app):
    seed_demo()
    db.session.commit()
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert "sai lệch" not in result.output and result.output.count("khớp") >= 3

    db.session.execute(update(InitiativeTally).values(count=InitiativeTally.count + 1))
    db.session.execute(update(SurveyTally).where(SurveyTally.responses > 0).values(took_part=0))
    db.session.execute(update(RoundEntry).where(RoundEntry.submitted_count > 0).values(submitted_count=99))
    db.session.commit()
    result = _run(app)
    assert result.exit_code != 0
    output = result.output
    assert "Số mô hình theo đơn vị, năm, trạng thái:" in output and "lưu" in output
    assert "Số ý kiến Nhân dân:" in output and "took_part" in output
    assert "submitted_count 99 !=" in output

    result = _run(app, "--fix")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    result = _run(app)
    assert result.exit_code == 0 and "sai lệch" not in result.output, result.output
