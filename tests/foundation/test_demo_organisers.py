"""The demo's two levels: xã Gia Viễn runs its own competition beside the province."""

from sqlalchemy import select

from danvankheo.demo import DEMO_PASSWORD, seed_demo
from danvankheo.extensions import db
from danvankheo.organisers.models import Nomination, NominationState, Organiser, OrganiserLevel
from danvankheo.registry.models import Initiative, Status
from danvankheo.scoring.models import Round, RoundState
from danvankheo.units.models import Unit


def _login(client, login: str) -> None:
    response = client.post("/dang-nhap", data={"login": login, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "/dang-nhap" not in response.headers["Location"]


def test_the_commune_secretariat_sees_only_its_commune(client, app):
    seed_demo()
    db.session.commit()
    commune = db.session.scalar(select(Unit).where(Unit.code == "XGV"))
    organiser = db.session.scalar(select(Organiser).where(Organiser.unit_id == commune.id))
    assert organiser.level is OrganiserLevel.COMMUNE and organiser.parent.is_default
    inside = {u.id for u in db.session.scalars(select(Unit).where(Unit.organiser_id == organiser.id))}
    models = list(db.session.scalars(select(Initiative).where(Initiative.status != Status.DRAFT)))
    ours = [m for m in models if m.unit_id in inside]
    theirs = [m for m in models if m.unit_id not in inside]
    assert ours and theirs

    _login(client, "thuky.giavien")
    page = client.get("/mo-hinh?nam=").get_data(as_text=True)
    assert any(m.name in page for m in ours)
    for model in theirs:
        assert f"/mo-hinh/{model.id}\"" not in page, model.name
        assert client.get(f"/mo-hinh/{model.id}").status_code in (403, 404), model.name
    assert client.get("/dot-danh-gia/moi").status_code == 200
    # The footer and print title name the commune's own secretariat, not the province's.
    assert "Dân vận khéo” · Văn phòng HĐND và UBND xã" in page


def test_the_commune_has_its_finalised_round_its_giay_khen_and_a_model_proposed_up(app):
    seed_demo()
    commune = db.session.scalar(select(Unit).where(Unit.code == "XGV"))
    organiser = db.session.scalar(select(Organiser).where(Organiser.unit_id == commune.id))
    rounds = list(db.session.scalars(select(Round).where(Round.organiser_id == organiser.id)))
    assert [r.state for r in rounds] == [RoundState.FINALISED]
    from danvankheo.awards.models import Proposal, ProposalState

    proposal = db.session.scalar(select(Proposal).where(Proposal.round_id == rounds[0].id))
    assert proposal.state is ProposalState.APPROVED
    assert {line.award_form.name for line in proposal.lines} == {"Giấy khen của Chủ tịch UBND xã"}
    nomination = db.session.scalar(select(Nomination).where(Nomination.from_organiser_id == organiser.id))
    assert nomination.state is NominationState.PENDING and nomination.to_organiser_id == organiser.parent_id
    statuses = {m.status for m in db.session.scalars(select(Initiative).join(Unit).where(
        Unit.organiser_id == organiser.id))}
    assert {Status.ACCEPTED, Status.SUBMITTED, Status.RETURNED, Status.DRAFT} <= statuses
