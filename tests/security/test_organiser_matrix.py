"""Issue 14: no organiser reads or writes another's data. Every URL rule, as people of other
organisers, against the world of world.py owned by the province, then by a commune.

The expected outcomes come from policy.py through `policy.foreign_expected`; the home actors
are checked by test_authorization_matrix.py and not visited again here.
"""

from __future__ import annotations

import functools
import io
import zipfile

import pytest

from tests.security.harness import (
    OK,
    Visitors,
    fingerprint,
    outcome,
    policy_cells,
    reset_world,
    url_for_rule,
)
from tests.security.organiser_world import (
    COMMUNE_OWNS,
    PROVINCE_OWNS,
    build_organiser_world,
    foreign_actors,
    private_strings,
)
from tests.security.policy import READS_DOWN, agrees, foreign_expected

pytestmark = pytest.mark.real_commits  # the harness empties and rebuilds its world

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(params=[PROVINCE_OWNS, COMMUNE_OWNS])
def owner(request) -> str:
    return request.param


def _named(rule, params: dict, world) -> set[str]:
    """The world objects the URL of `rule` names."""
    chosen = (params.get(name, name) for name in rule.arguments)
    return {choice for choice in chosen if isinstance(choice, str) and choice in world.objects}


def _describe(response) -> str:
    location = response.headers.get("Location")
    return f"{response.status_code}" + (f" -> {location}" if location else "")


def readable_text(response) -> str:
    """What a reader finds in the answer: the page, the JSON, or the cells of a workbook."""
    mimetype = response.mimetype or ""
    if mimetype.startswith("text/") or mimetype == "application/json":
        return response.get_data(as_text=True)
    if mimetype == XLSX:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
        return "\n".join(str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for value in row if value is not None)
    if mimetype == "application/zip":
        with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
            return "\n".join(archive.namelist())
    return ""


def test_the_world_belongs_to_its_organiser(app, owner):
    """build_organiser_world checks its own objects and actors (see _check_ownership)."""
    world = reset_world(app, build=functools.partial(build_organiser_world, owner))
    assert set(foreign_actors(owner)) <= set(world.users)


def test_foreign_get_matrix(app, owner):
    """Every GET rule as every actor of another organiser: the outcome derived from the policy,
    and no private string of the world on a page let through."""
    world = reset_world(app, build=functools.partial(build_organiser_world, owner))
    actors = foreign_actors(owner)
    visitors = Visitors(app, world, actors)
    mismatches, visited = [], 0
    for label, rule, entry in policy_cells(app, "GET"):
        url = url_for_rule(app, rule, world, entry.params)
        named = _named(rule, entry.params, world)
        for actor in actors:
            response = visitors.visit(actor, "GET", url)
            visited += 1
            expected, got = foreign_expected(label, "GET", entry.get, actor, named), outcome(response)
            if not agrees(expected, got):
                mismatches.append(f"GET {label} {url} as {actor}: expected {expected}, got {got} "
                                  f"({_describe(response)})")
            if got == OK and actor not in READS_DOWN:
                text = readable_text(response)
                leaked = [s for s in private_strings(rule.endpoint) if s in text]
                if leaked:
                    mismatches.append(f"GET {label} {url} as {actor}: shows the world's {leaked}")
    assert not mismatches, f"{len(mismatches)} of {visited} visits disagree:\n" + "\n".join(mismatches)
    assert visited >= len(actors) * 80


def test_foreign_post_matrix(app, owner):
    """Every POST rule as every actor of another organiser, with an empty form: the outcome
    derived from the policy, and nothing changed in the database or the storage (an empty form
    from another organiser has nothing legitimate to write)."""
    world = reset_world(app, build=functools.partial(build_organiser_world, owner))
    actors = foreign_actors(owner)
    visitors = Visitors(app, world, actors)
    mismatches, visited = [], 0
    before = fingerprint(app)
    for label, rule, entry in policy_cells(app, "POST"):
        url = url_for_rule(app, rule, world, entry.params)
        named = _named(rule, entry.params, world)
        for actor in actors:
            response = visitors.visit(actor, "POST", url)
            visited += 1
            expected, got = foreign_expected(label, "POST", entry.post, actor, named), outcome(response)
            if not agrees(expected, got):
                mismatches.append(f"POST {label} {url} as {actor}: expected {expected}, got {got} "
                                  f"({_describe(response)})")
            after = fingerprint(app)
            if after != before:
                mismatches.append(f"POST {label} {url} as {actor} ({got}) changed the database or the storage")
                world = reset_world(app, build=functools.partial(build_organiser_world, owner))
                visitors = Visitors(app, world, actors)
                url = url_for_rule(app, rule, world, entry.params)
                before = fingerprint(app)
            elif visitors.ensure_logged_in(actor):
                before = fingerprint(app)
    assert not mismatches, f"{len(mismatches)} of {visited} visits disagree:\n" + "\n".join(mismatches)
    assert visited >= len(actors) * 60
