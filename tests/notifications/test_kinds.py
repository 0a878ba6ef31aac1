"""Every notification has one of the kinds listed in NotificationKind: `notify` refuses any
other, and every kind the code sends is listed (read from the source, so a kind added in a
feature without its member fails here rather than on a user's request)."""

import ast
from pathlib import Path

import pytest
from sqlalchemy import func, select

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.notifications.models import Notification, NotificationKind
from danvankheo.notifications.services import notify

PACKAGE = Path(__file__).resolve().parents[2] / "danvankheo"


def test_notify_refuses_a_kind_no_code_sends(make_user):
    user = make_user(Role.STAFF)
    with pytest.raises(ValueError, match="NotificationKind"):
        notify([user], kind="made_up", title="Không có loại này")
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_kind_is_stored_as_its_member_and_equals_its_value(make_user):
    user = make_user(Role.STAFF)
    note = notify([user], kind="deadline_extended", title="Gia hạn")[0]
    db.session.expire(note)
    assert note.kind is NotificationKind.DEADLINE_EXTENDED
    assert note.kind == "deadline_extended" and note.kind.label == "Gia hạn nộp mô hình"


def _literal_kinds() -> dict[str, str]:
    """Literal strings passed as `kind=` anywhere in the application, with where."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    value = keyword.value
                    if keyword.arg == "kind" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                        found[value.value] = f"{path.relative_to(PACKAGE)}:{node.lineno}"
    return found


def test_every_kind_the_code_sends_is_listed():
    values = {kind.value for kind in NotificationKind}
    # kind= also names other arguments (an image format): notification kinds have "_" or ".".
    literal = {k: where for k, where in _literal_kinds().items() if "_" in k or "." in k}
    assert {"deadline_extended", "scoring.assigned", "supervision_opinion"} <= set(literal)
    assert {k: where for k, where in literal.items() if k not in values} == {}
    # Kinds held in constants or made from a value.
    from danvankheo.awards.ballots import NOTIFICATION_KIND
    from danvankheo.jobs.notices import TITLES
    from danvankheo.registry.reminders import DEADLINE_WINDOWS
    from danvankheo.registry.workflow import ACTIONS

    assert NOTIFICATION_KIND in values
    assert {a.notify_kind for a in ACTIONS.values() if a.notify_kind} <= values
    assert {f"deadline_{w}_days" for w in DEADLINE_WINDOWS} <= values
    assert {f"job_{state.value}" for state in TITLES} <= values
