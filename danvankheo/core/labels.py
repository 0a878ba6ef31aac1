"""Enums that carry their Vietnamese label beside their stored value."""

from __future__ import annotations

import enum


class _LabelledEnumType(enum.EnumType):
    """Reads a member written as its label alone (`PORTRAIT = "Khổ dọc"`) as the pair
    `("portrait", "Khổ dọc")`: the stored value is the member's name in lower case, as with
    `enum.StrEnum` and `auto()`, so the two are never written twice."""

    def __new__(metacls, name, bases, classdict, **kwargs):
        for member in classdict._member_names:
            value = classdict[member]
            if isinstance(value, str):
                # An `_EnumDict` refuses to rebind a member's name; the plain dict's setter
                # replaces the value before the members are made from it.
                dict.__setitem__(classdict, member, (member.lower(), value))
        return super().__new__(metacls, name, bases, classdict, **kwargs)


class LabelledEnum(enum.Enum, metaclass=_LabelledEnumType):
    """An enum whose members carry a Vietnamese label beside their stored value.

    A member is written `MEMBER = "Nhãn tiếng Việt"`, and then stores `"member"`, its name in
    lower case; or `MEMBER = ("stored value", "Nhãn")` where the stored value is another.
    The value is what the database and the forms hold; `label` is what the interface shows.
    `LabelledEnum("stored value")` finds the member, as with a plain enum. Mixed with `str`
    (`class Kind(str, LabelledEnum)`), a member also equals and prints as its stored value.
    """

    _label: str

    def __new__(cls, value: str, label: str):
        # With a data type mixed in (`class Kind(str, LabelledEnum)`) the member is that type too.
        member = object.__new__(cls) if cls._member_type_ is object else cls._member_type_.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    def __str__(self) -> str:
        return self.value if isinstance(self, str) else super().__str__()

    @property
    def label(self) -> str:
        return self._label

    @classmethod
    def labels(cls) -> dict:
        """{member: label}, in declaration order."""
        return {member: member.label for member in cls}

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for a select field."""
        return [(member.value, member.label) for member in cls]
