"""The demo: `mttq` (the province) and `mttq.giavien` have recorded opinions on accepted 2026
models of their own organiser, and the council and secretariat see them."""

from sqlalchemy import select

from danvankheo.demo import DEMO_PASSWORD, seed_demo
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from danvankheo.supervision.models import Stance, SupervisionOpinion


def _login(client, login: str) -> None:
    client.post("/dang-xuat")
    response = client.post("/dang-nhap", data={"login": login, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "/dang-nhap" not in response.headers["Location"]


def test_the_demo_supervisors_have_recorded_opinions_on_their_own_accepted_models(client, app):
    seed_demo()
    db.session.commit()
    opinions = {o.author.login: o for o in db.session.scalars(select(SupervisionOpinion))}
    assert set(opinions) == {"mttq", "mttq.giavien"}
    province, commune = opinions["mttq"], opinions["mttq.giavien"]
    assert province.initiative.year == commune.initiative.year == 2026
    assert province.initiative.status is commune.initiative.status is Status.ACCEPTED
    assert province.organiser_id != commune.organiser_id
    assert province.organiser_id == province.initiative.unit.organiser_id
    assert commune.organiser_id == commune.initiative.unit.organiser_id
    assert (province.stance, province.version) == (Stance.PARTLY, 2)  # revised once: two versions

    _login(client, "mttq")
    listing = client.get("/giam-sat").get_data(as_text=True)
    assert province.initiative.name in listing and commune.initiative.name not in listing
    _login(client, "noivu")
    assert province.text in client.get(f"/mo-hinh/{province.initiative.id}").get_data(as_text=True)
    assert seed_demo() is False  # idempotent
