"""Domain errors: a service refuses a change with a Vietnamese message that the user reads,
and may name the form field the message belongs to. Views put it on that field (or flash it)
without ever looking inside the text."""

from __future__ import annotations

from typing import Any


class DomainError(ValueError):
    """A refused change. `field` is the name of the form field it belongs to, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def show_on_form(form: Any, error: DomainError, *, default: str) -> None:
    """Attach `error` to its field of `form`, or to the `default` field when it names none."""
    target = getattr(form, error.field or default, None) or getattr(form, default)
    target.errors = [*target.errors, str(error)]
