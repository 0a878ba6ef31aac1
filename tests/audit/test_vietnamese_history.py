"""Every audit and history entry reads in Vietnamese, with the forms' own field names."""

from __future__ import annotations

import ast
import pathlib
import re

from danvankheo.audit.queries import action_label, field_label
from danvankheo.core.roles import Role

SOURCE = pathlib.Path(__file__).resolve().parents[2] / "danvankheo"
RAW = re.compile(r"[a-z]+_[a-z_]+|\b(create|update|delete|xlsx|entries|auto)\b")


def _recorded() -> tuple[set[str], set[str]]:
    """The action codes and the literal change keys that the services record."""
    actions, keys = set(), set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name == "record" and node.args:
                actions |= {n.value for n in ast.walk(node.args[0])
                            if isinstance(n, ast.Constant) and isinstance(n.value, str)}
            if name == "_change_state":
                actions |= {kw.value.value for kw in node.keywords if kw.arg == "action"}
            if name in ("record", "diff"):
                dicts = [kw.value for kw in node.keywords if kw.arg == "changes"] + [
                    a for a in node.args if isinstance(a, ast.Dict)]
                for d in dicts:
                    if isinstance(d, ast.Dict):
                        keys |= {k.value for k in d.keys if isinstance(k, ast.Constant)}
    return actions, keys


def test_every_recorded_action_has_a_vietnamese_name(app):
    actions, _ = _recorded()
    assert len(actions) > 40
    for action in actions:
        label = action_label(action)
        assert not RAW.search(label) and action.partition(".")[0] not in label, (action, label)
    assert action_label("import.xlsx") == "Nhập đơn vị và người dùng từ Excel"


def test_every_recorded_field_has_the_forms_name(app):
    _, keys = _recorded()
    for key in keys:
        if key[0].isupper():  # already a Vietnamese caption ("Hình thức khen thưởng")
            continue
        assert field_label(key) != key, key


def test_the_fields_a_form_saves_are_named_as_on_the_form(app):
    from danvankheo.registry.forms import InitiativeForm
    from danvankheo.scoring.rounds import RoundSettings

    dossier_keys = [name for name in dir(InitiativeForm) if not name.startswith("_") and name != "version"
                    and hasattr(getattr(InitiativeForm, name), "field_class")]
    for key in dossier_keys:
        assert field_label(key, "Initiative") != key, key
    assert field_label("results_quantitative", "Initiative") == "Kết quả định lượng"
    assert field_label("budget_state", "Initiative") == "Kinh phí ngân sách (đồng)"
    for key in RoundSettings.__dataclass_fields__:
        assert field_label(key, "Round") != key, key
    for key in ("guidance", "max_score", "is_tiebreaker"):
        assert field_label(key, "Criterion") != key
    assert field_label("position", "AwardForm") == "Thứ tự hiển thị"
    assert field_label("position", "User") == "Chức vụ"


def test_the_trail_names_an_import_in_vietnamese(client, login_as):
    from tests.imports.test_imports import upload, xlsx

    login_as(Role.ADMIN)
    assert upload(client, xlsx()).status_code == 200
    client.post("/dang-xuat")
    login_as(Role.SECRETARIAT)
    html = client.get("/nhat-ky").get_data(as_text=True)
    assert "Nhập đơn vị và người dùng từ Excel" in html
    assert "Đơn vị thêm mới" in html and "Tài khoản thêm mới" in html
    assert "units_created" not in html and "xuất Excel" not in html.lower().replace("xuất excel</a>", "")


def test_every_kind_of_recorded_object_has_a_vietnamese_name(app):
    from danvankheo.audit.queries import object_type_label

    recorded = ["Initiative", "Evidence", "Unit", "User", "SubmissionDeadline", "Round", "Criterion", "Assignment",
                "Scorecard", "Proposal", "AwardForm", "Import", "Export", "Report", "System"]
    for name in recorded:
        assert object_type_label(name) != name, name
