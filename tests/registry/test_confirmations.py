"""Every irreversible step asks first and says what will happen and to whom (data-confirm,
asked by static/js/app.js)."""

import html
import re

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from tests.factories import make_initiative, make_unit, make_user


def _confirms(page: str) -> dict[str, str]:
    """The question of each workflow form, by the action in its URL."""
    found = re.findall(r'action="/mo-hinh/\d+/([a-z-]+)"[^>]*?data-confirm="([^"]*)"', page, re.S)
    return {slug: html.unescape(text) for slug, text in found}


def test_staff_submitting_is_asked_naming_the_model_and_the_secretariat(client, login_as):
    unit = make_unit("Sở Tư pháp")
    model = make_initiative(unit, name="Tư pháp gần dân")
    staff = make_user(Role.STAFF, unit=unit)
    db.session.commit()
    login_as(staff)
    confirms = _confirms(client.get(f"/mo-hinh/{model.id}").get_data(as_text=True))
    assert "nop" in confirms
    assert "“Tư pháp gần dân” của Sở Tư pháp" in confirms["nop"] and "Phòng Nội vụ" in confirms["nop"]


def test_every_review_step_is_asked_with_its_consequence(client, login_as):
    unit = make_unit("UBND xã Gia Viễn")
    model = make_initiative(unit, name="Dân vận ở thôn bản", status=Status.SUBMITTED)
    db.session.commit()
    login_as(Role.SECRETARIAT)
    confirms = _confirms(client.get(f"/mo-hinh/{model.id}").get_data(as_text=True))
    assert set(confirms) == {"tra-lai", "tiep-nhan", "khong-tiep-nhan"}
    for text in confirms.values():
        assert "“Dân vận ở thôn bản” của UBND xã Gia Viễn" in text
    assert "nhận thông báo kèm lý do" in confirms["tra-lai"]
    assert "đợt đánh giá" in confirms["tiep-nhan"]


def test_round_steps_name_the_round(client, login_as):
    from danvankheo.scoring import rounds

    login_as(Role.SECRETARIAT)
    rounds.create_round(rounds.RoundSettings(name="Đợt 2026", year=2026))
    db.session.commit()
    from sqlalchemy import select

    from danvankheo.scoring.models import Round

    round_ = db.session.scalar(select(Round))
    page = html.unescape(client.get(f"/dot-danh-gia/{round_.id}").get_data(as_text=True))
    assert "Bắt đầu chấm đợt “Đợt 2026”? Từ đây bộ tiêu chí" in page
