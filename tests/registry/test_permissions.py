"""Who sees and changes what: each rule on its own, then the routes that rely on them."""

from __future__ import annotations

import pytest

from danvankheo.extensions import db
from danvankheo.registry import permissions
from danvankheo.registry.models import Status
from tests import factories
from tests.registry.conftest import switch_to

SUBMITTED = [Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED, Status.REJECTED]
PRIVATE = [Status.DRAFT, Status.WITHDRAWN]


@pytest.fixture
def model(world):
    def make(status: Status, unit=None):
        item = factories.make_initiative(unit or world.justice, status=status)
        db.session.commit()
        return item

    return make


@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
def test_staff_see_every_model_of_their_unit(world, model, status):
    assert permissions.can_view(world.staff, model(status))


@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
def test_staff_never_see_another_units_models_here(world, model, status):
    assert not permissions.can_view(world.other_staff, model(status))


@pytest.mark.parametrize("who", ["secretariat", "observer", "admin"])
@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
def test_readers_see_submitted_models_never_drafts(world, model, who, status):
    assert permissions.can_view(getattr(world, who), model(status)) is (status in SUBMITTED)


def test_evaluators_do_not_read_the_registry(world, model):
    assert not permissions.can_view(world.evaluator, model(Status.SUBMITTED))


@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
def test_edit_only_own_unit_and_only_while_editable(world, model, status):
    item = model(status)
    assert permissions.can_edit(world.staff, item) is (status in (Status.DRAFT, Status.RETURNED, Status.WITHDRAWN))
    assert not permissions.can_edit(world.secretariat, item)
    assert not permissions.can_edit(world.admin, item)
    assert not permissions.can_edit(world.other_staff, item)


@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
def test_only_secretariat_and_admin_review_submitted_models(world, model, status):
    item = model(status)
    expected = status is Status.SUBMITTED
    assert permissions.can_review(world.secretariat, item) is expected
    assert permissions.can_review(world.admin, item) is expected
    for who in (world.observer, world.staff, world.evaluator):
        assert not permissions.can_review(who, item)


def test_visible_clause_matches_can_view(world, model):
    from sqlalchemy import select

    from danvankheo.registry.models import Initiative

    items = [model(s, unit) for s in Status for unit in (world.justice, world.health)]
    for user in (world.staff, world.other_staff, world.secretariat, world.observer, world.admin, world.evaluator):
        visible = set(db.session.scalars(select(Initiative.id).where(permissions.visible_clause(user))))
        assert visible == {i.id for i in items if permissions.can_view(user, i)}, user.full_name


# --- Routes -----------------------------------------------------------------------------


def test_missing_and_not_yours_are_the_same_404(client, world, model):
    """A 403 for another unit's draft would tell a stranger which ids exist."""
    draft = model(Status.DRAFT)
    switch_to(client, world.other_staff)
    missing = client.get("/mo-hinh/999999")
    assert missing.status_code == 404
    not_yours = client.get(f"/mo-hinh/{draft.id}")
    assert not_yours.status_code == 404
    assert not_yours.get_data(as_text=True) == missing.get_data(as_text=True)
    assert client.get(f"/mo-hinh/{draft.id}/sua").status_code == 404
    assert client.post(f"/mo-hinh/{draft.id}/nop").status_code == 404
    assert client.post("/mo-hinh/999999/nop").status_code == 404
    switch_to(client, world.secretariat)
    assert client.get(f"/mo-hinh/{draft.id}").status_code == 404
    assert client.get("/mo-hinh/999999/sua").status_code == 404


def test_anonymous_is_sent_to_login(client, world, model):
    item = model(Status.ACCEPTED)
    for url in ("/mo-hinh", f"/mo-hinh/{item.id}", "/mo-hinh/dang-ky", "/mo-hinh/tinh-hinh-dang-ky",
                "/mo-hinh/han-nop"):
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"], url
    response = client.post(f"/mo-hinh/{item.id}/tiep-nhan")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_observer_reads_but_cannot_edit(client, world, model):
    item = model(Status.RETURNED)
    switch_to(client, world.observer)
    assert client.get(f"/mo-hinh/{item.id}").status_code == 200
    assert client.get(f"/mo-hinh/{item.id}/sua").status_code == 403


def test_evaluator_cannot_open_the_list(client, world):
    switch_to(client, world.evaluator)
    assert client.get("/mo-hinh").status_code == 403
    assert client.get("/mo-hinh/tinh-hinh-dang-ky").status_code == 403


def test_the_list_shows_each_user_only_what_they_may_see(client, world, model):
    own_draft = model(Status.DRAFT)
    own_submitted = model(Status.SUBMITTED)
    other_draft = model(Status.DRAFT, world.health)
    other_withdrawn = model(Status.WITHDRAWN, world.health)
    other_accepted = model(Status.ACCEPTED, world.health)
    switch_to(client, world.staff)
    page = client.get("/mo-hinh").get_data(as_text=True)
    assert own_draft.name in page and own_submitted.name in page
    assert other_draft.name not in page and other_accepted.name not in page
    switch_to(client, world.secretariat)
    page = client.get("/mo-hinh").get_data(as_text=True)
    assert own_submitted.name in page and other_accepted.name in page
    assert own_draft.name not in page and other_draft.name not in page and other_withdrawn.name not in page


@pytest.mark.parametrize("url", ["/mo-hinh/han-nop", "/mo-hinh/han-nop/gia-han"])
def test_only_secretariat_and_admin_manage_deadlines(client, world, url):
    for user, allowed in ((world.observer, False), (world.staff, False), (world.evaluator, False),
                          (world.secretariat, True), (world.admin, True)):
        switch_to(client, user)
        status = client.get(url).status_code if url.endswith("han-nop") else client.post(url).status_code
        assert (status != 403) is allowed, (user.full_name, status)
