"""Demo data: the Mặt trận Tổ quốc of the province and of Gia Viễn have each recorded a
supervision opinion on an accepted 2026 model of their organiser (the province's revised once).

Runs after the registry's and the commune's demo data; does nothing once an opinion exists."""

from __future__ import annotations

from sqlalchemy import func, select

from ..auth.models import User
from ..extensions import db
from ..registry import permissions as registry_permissions
from ..registry.models import Initiative
from .models import Stance, SupervisionOpinion
from .services import record_opinion

# login -> (the model's name, preferred; the opinion's versions: stance and text)
DEMO_OPINIONS = {
    "mttq": ("Tổ hòa giải “Ba cùng” - giai đoạn 2: hòa giải trực tuyến", [
        (Stance.AGREE, "Ủy ban MTTQ tỉnh đã giám sát tại 2 khu dân cư: các tổ hòa giải hoạt động đều."),
        (Stance.PARTLY,
         "Qua giám sát tại 2 khu dân cư của phường Hoa Lư, Ban Thanh tra nhân dân xác nhận các tổ hòa giải hoạt "
         "động đều, người dân biết và dùng kênh hòa giải trực tuyến. Tuy nhiên tỷ lệ hòa giải thành 92% đơn vị "
         "nêu mới tính các vụ việc do tổ tiếp nhận trực tiếp; đề nghị Hội đồng đối chiếu thêm số vụ việc chuyển "
         "lên UBND phường."),
    ]),
    "mttq.giavien": ("Thôn xóm sáng - xanh - sạch (nhân rộng từ phường Hoa Lư)", [
        (Stance.AGREE,
         "Ủy ban MTTQ xã cùng Hội Phụ nữ, Hội Nông dân đã kiểm tra 4 thôn: đường làng sạch, có tổ tự quản "
         "vệ sinh; người dân đóng góp ngày công như đơn vị nêu."),
    ]),
}


def seed_supervision_demo(units: dict) -> bool:
    if db.session.scalar(select(func.count()).select_from(SupervisionOpinion)):
        return False
    created = False
    for login, (preferred, versions) in DEMO_OPINIONS.items():
        author = db.session.scalar(select(User).where(User.login == login))
        if author is None:
            continue
        supervised = select(Initiative).where(registry_permissions.supervised_clause(author), Initiative.year == 2026)
        initiative = (db.session.scalar(supervised.where(Initiative.name == preferred))
                      or db.session.scalar(supervised.order_by(Initiative.sort_name).limit(1)))
        if initiative is None:
            continue
        for stance, text in versions:
            record_opinion(initiative, author, stance=stance, text=text)
        created = True
    return created
