from __future__ import annotations

import pytest

from danvankheo.extensions import db
from tests.awards.builders import FinalisedRound, build_finalised_round


@pytest.fixture
def jobs_folder(app, tmp_path):
    folder = tmp_path / "jobs"
    app.config["JOBS_FOLDER"] = str(folder)
    return folder


@pytest.fixture
def finalised(app) -> FinalisedRound:
    built = build_finalised_round()
    db.session.commit()
    return built
