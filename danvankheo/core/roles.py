"""Roles (vai trò): what a person may do. Core owns them so that the menu and the permission
checks read them without depending on the accounts feature, which stores the grants."""

from __future__ import annotations

from .labels import LabelledEnum


class Role(LabelledEnum):
    STAFF = "Cán bộ đơn vị"
    EVALUATOR = "Thành viên hội đồng chấm"
    SECRETARIAT = "Thường trực Hội đồng (Nội vụ, Văn phòng UBND xã)"
    OBSERVER = "Theo dõi (Ban Dân vận, lãnh đạo)"
    ADMIN = "Quản trị hệ thống"
    # Ủy ban MTTQ and the mass organisations: giám sát, phản biện xã hội
    SUPERVISOR = "Mặt trận Tổ quốc, đoàn thể (giám sát)"


ROLE_LABELS = Role.labels()


# Roles held within one organiser (its secretariat, council, observers, and the Mặt trận Tổ
# quốc and mass organisations of its level who supervise its models); staff belong to their
# unit and the admin to the whole deployment.
SCOPED_ROLES = frozenset({Role.SECRETARIAT, Role.EVALUATOR, Role.OBSERVER, Role.SUPERVISOR})
