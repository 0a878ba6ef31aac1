from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from danvankheo.evidence.models import Evidence
from danvankheo.extensions import db
from tests import factories
from tests.registry.conftest import open_years, switch_to, world  # noqa: F401  (shared fixtures)


def files_on_disk(app) -> list[str]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def evidence_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Evidence))


@pytest.fixture
def draft(world):  # noqa: F811
    item = factories.make_initiative(world.justice, name="Dân vận khéo trong cải cách hành chính")
    db.session.commit()
    return item


@pytest.fixture
def upload(client, world, draft):  # noqa: F811
    """Post files to the draft as its unit's staff: upload((bytes, name), ...)."""
    switch_to(client, world.staff)

    def post(*files, initiative=None, follow=True, **form):
        data = {"files": [(io.BytesIO(content), name) for content, name in files], **form}
        return client.post(f"/minh-chung/mo-hinh/{(initiative or draft).id}", data=data,
                           content_type="multipart/form-data", follow_redirects=follow)

    return post
