"""core.labels.LabelledEnum: a stored value and a Vietnamese label per member."""

from danvankheo.core.labels import LabelledEnum
from danvankheo.core.roles import ROLE_LABELS, SCOPED_ROLES, Role


class Colour(LabelledEnum):
    RED = ("red", "Đỏ")
    BLUE = ("blue", "Xanh")


class Code(str, LabelledEnum):
    ONE = ("one", "Một")


def test_a_member_is_found_by_its_stored_value_and_shows_its_label():
    assert Colour("blue") is Colour.BLUE and Colour.BLUE.value == "blue" and Colour.BLUE.label == "Xanh"
    assert Colour.labels() == {Colour.RED: "Đỏ", Colour.BLUE: "Xanh"}
    assert Colour.choices() == [("red", "Đỏ"), ("blue", "Xanh")]
    assert Colour.RED != "red" and str(Colour.RED) == "Colour.RED"


def test_mixed_with_str_a_member_equals_and_prints_as_its_value():
    assert Code.ONE == "one" and str(Code.ONE) == "one" and f"{Code.ONE}" == "one" and Code.ONE.label == "Một"


def test_roles_keep_their_values_and_labels():
    assert [role.value for role in Role] == ["staff", "evaluator", "secretariat", "observer", "admin", "supervisor"]
    assert ROLE_LABELS[Role.SECRETARIAT] == Role.SECRETARIAT.label == "Thường trực Hội đồng (Nội vụ, Văn phòng UBND xã)"
    assert {Role.SECRETARIAT, Role.EVALUATOR, Role.OBSERVER, Role.SUPERVISOR} == SCOPED_ROLES


class Shape(LabelledEnum):
    ROUND_TABLE = "Bàn tròn"
    SQUARE = "sq", "Vuông"


def test_a_member_written_as_its_label_alone_stores_its_name_in_lower_case():
    assert Shape.ROUND_TABLE.value == "round_table" and Shape.ROUND_TABLE.label == "Bàn tròn"
    assert Shape("round_table") is Shape.ROUND_TABLE and Shape("sq") is Shape.SQUARE
    assert Shape.choices() == [("round_table", "Bàn tròn"), ("sq", "Vuông")]


def test_two_members_with_the_same_label_stay_two_members():
    class Pair(LabelledEnum):
        LEFT = "Cùng nhãn"
        RIGHT = "Cùng nhãn"

    assert Pair.LEFT is not Pair.RIGHT and len(Pair) == 2
