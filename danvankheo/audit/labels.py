"""What features tell the audit trail about their objects, so that its pages speak Vietnamese
without the trail importing any feature.

Each feature registers, in its `init_app`:
- the form whose labels name the fields its services record (`register_form_labels`);
- the enums whose stored values appear among the recorded changes (`register_enum`,
  `register_enums`).
"""

from __future__ import annotations

import enum
from functools import lru_cache

_forms: dict[str, tuple[type, dict[str, str]]] = {}
_enums: dict[str, type[enum.Enum]] = {}


def register_form_labels(object_type: str, form_class: type, **overrides: str) -> None:
    """The fields recorded for `object_type` are called as `form_class` labels them (the keys a
    service records are the form's field names); `overrides` rename a few for the history."""
    _forms[object_type] = (form_class, overrides)
    object_field_labels.cache_clear()


def register_enum(key: str, enum_cls: type[enum.Enum]) -> None:
    """Recorded values of field `key` ("Object.field" for one kind of object, or a bare field
    name for any) are members of `enum_cls`, shown by their `label`."""
    _enums[key] = enum_cls


def register_enums(enums: dict[str, type[enum.Enum]]) -> None:
    """`register_enum` for each (key, enum) of `enums`."""
    _enums.update(enums)


def recorded_enums() -> dict[str, type[enum.Enum]]:
    return dict(_enums)


def _unbound_labels(form_class) -> dict[str, str]:
    """Field name -> label of a WTForms form class, read from its declared (unbound) fields."""
    from wtforms.fields.core import UnboundField

    labels = {}
    for name in dir(form_class):
        value = getattr(form_class, name, None)
        if isinstance(value, UnboundField) and value.args and isinstance(value.args[0], str):
            labels[name] = value.args[0]
    return labels


@lru_cache(maxsize=1)
def object_field_labels() -> dict[str, dict[str, str]]:
    """Per kind of object, the field names of its changes as its form names them.

    Read from the forms themselves, so a new form field is labelled in the history the day
    it is added.
    """
    return {object_type: {**_unbound_labels(form_class), **overrides}
            for object_type, (form_class, overrides) in _forms.items()}
