"""A rendered page read as its user reads it: the messages under one form field, and the alerts
at the top of the page. Enough of an HTML tree for that, built with the standard library."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FORM_CONTROLS = {"input", "select", "textarea"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def walk(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.walk()

    def text(self) -> str:
        parts = [child if isinstance(child, str) else child.text() for child in self.children]
        return " ".join(" ".join(parts).split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self._open = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, parent=self._open)
        self._open.children.append(element)
        if tag not in VOID_TAGS:
            self._open = element

    def handle_endtag(self, tag):
        # Close up to the nearest open element of that tag; a stray end tag closes nothing.
        element = self._open
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self._open = element.parent

    def handle_data(self, data):
        self._open.children.append(data)


def parse(page: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


def field_errors(page: str, name: str) -> list[str]:
    """The messages shown under the form field `name`: the `invalid-feedback` elements of the
    box the forms macro draws around the field (its nearest `mb-3` ancestor)."""
    control = next((e for e in parse(page).walk() if e.tag in FORM_CONTROLS and e.attrs.get("name") == name), None)
    assert control is not None, f"no field named {name!r} on the page"
    box = control.parent
    while box is not None and "mb-3" not in box.classes:
        box = box.parent
    assert box is not None, f"the field {name!r} is not drawn by the forms macro"
    return [e.text() for e in box.walk() if "invalid-feedback" in e.classes]


def alerts(page: str, category: str) -> list[str]:
    """The texts of the page's alerts of `category` (the flashed messages: success, danger…)."""
    return [e.text() for e in parse(page).walk() if {"alert", f"alert-{category}"} <= e.classes]
