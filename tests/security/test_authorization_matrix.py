"""The authorisation matrix: every URL rule, every actor, GET and POST, against policy.py."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import delete, text, update

from danvankheo.extensions import db
from danvankheo.units.models import Unit
from tests.security import harness
from tests.security.harness import (
    Visitors,
    fingerprint,
    methods_of,
    outcome,
    policy_cells,
    reset_world,
    routed_rules,
    url_for_rule,
)
from tests.security.policy import ACTORS, POLICY, Entry


def policy_problems(app) -> list[str]:
    problems = []
    endpoints = set()
    for rule in routed_rules(app):
        endpoints.add(rule.endpoint)
        entry = POLICY.get(rule.endpoint)
        if entry is None:
            problems.append(f"{rule.endpoint} ({rule.rule}) has no entry in tests/security/policy.py: declare who may "
                            f"use it for {', '.join(methods_of(rule))}")
            continue
        entries = entry.values() if isinstance(entry, dict) else [entry]
        for method in methods_of(rule):
            if method not in ("GET", "POST"):
                problems.append(f"{rule.endpoint} accepts {method}: teach policy.Entry and the matrix that method")
            for each in entries:
                assert isinstance(each, Entry)
                if method in ("GET", "POST") and each.expected(method) is None:
                    problems.append(f"{rule.endpoint} accepts {method} but its policy entry says nothing about {method}")
        for each in entries:
            for method in ("GET", "POST"):
                if each.expected(method) is not None and method not in methods_of(rule):
                    problems.append(f"{rule.endpoint}: the policy speaks of {method}, which the rule does not accept")
    stale = sorted(set(POLICY) - endpoints)
    problems += [f"{name} is in the policy but no longer a route: remove it" for name in stale]
    return problems


def test_every_rule_has_a_policy_entry(app):
    problems = policy_problems(app)
    assert not problems, "\n".join(problems)


def test_a_route_added_later_fails_until_declared(make_app):
    app = make_app()

    @app.post("/mo-hinh/<int:initiative_id>/xoa-het")
    def wipe_everything(initiative_id: int):  # pragma: no cover - never called
        return ""

    problems = policy_problems(app)
    assert problems == ["wipe_everything (/mo-hinh/<int:initiative_id>/xoa-het) has no entry in "
                        "tests/security/policy.py: declare who may use it for POST"]


def test_the_fingerprint_sees_a_change_in_any_table(app):
    """The matrix trusts the fingerprint to notice what a request changed: one column of one
    row edited changes it, and so does emptying any table of the world."""
    reset_world(app)
    unchanged = fingerprint(app)
    assert fingerprint(app) == unchanged
    db.session.execute(update(Unit).where(Unit.id == db.session.scalar(db.select(Unit.id).limit(1)))
                       .values(name=Unit.name + "."))
    db.session.commit()
    assert fingerprint(app) != unchanged
    # Emptied children first, so that no foreign key refuses; every table with rows counts.
    emptied = 0
    for table in reversed(db.metadata.sorted_tables):
        if db.session.execute(table.select().limit(1)).first() is None:
            continue
        before = fingerprint(app)
        if db.engine.dialect.name == "postgresql":  # past the audit trail's append-only trigger
            db.session.execute(text("SET LOCAL session_replication_role = replica"))
        db.session.execute(delete(table))
        db.session.commit()
        assert fingerprint(app) != before, f"emptying {table.name} went unnoticed"
        emptied += 1
    assert emptied >= 10


def test_the_fingerprint_does_not_depend_on_the_order_the_digests_arrive_in(app, monkeypatch):
    """On PostgreSQL the tables' digests come from one UNION ALL, which promises no order: on
    grown tables the planner runs it in parallel and the rows arrive as its workers finish. The
    same database, its digests handed back in other orders, gives the same fingerprint."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the one-statement fingerprint is PostgreSQL's")
    reset_world(app)
    unchanged = fingerprint(app)
    statement = harness._table_digests_sql
    for order in ("name", "name DESC", "md5(name)"):
        monkeypatch.setattr(harness, "_table_digests_sql",
                            lambda names, order=order: f"SELECT * FROM ({statement(names)}) AS d ORDER BY {order}")
        assert fingerprint(app) == unchanged, f"the digests in the order of {order} gave another fingerprint"


def test_a_world_written_back_is_the_world_as_built(app):
    """The harness builds its world once per process and writes the kept rows back for every
    later reset: what it writes back has the built world's fingerprint, ids and objects, and a
    copy that lost a table's rows is refused rather than handed to the matrix."""
    first = reset_world(app)
    built, ids, login = fingerprint(app), first.ids(), first.users["staff_a"].login
    db.session.execute(update(Unit).values(name=Unit.name + "."))
    db.session.commit()
    again = reset_world(app)
    assert fingerprint(app) == built
    assert again.ids() == ids
    assert again.users["staff_a"].login == login
    key = harness._world_key(app, "", None)
    saved = harness._SAVED_WORLDS[key]
    lost = dict(saved.rows)
    lost.pop("scorecards")
    harness._SAVED_WORLDS[key] = dataclasses.replace(saved, rows=lost)
    try:
        with pytest.raises(AssertionError, match="differs from the world as built"):
            reset_world(app)
    finally:
        harness._SAVED_WORLDS[key] = saved


def _describe(response) -> str:
    location = response.headers.get("Location")
    return f"{response.status_code}" + (f" -> {location}" if location else "")


def test_get_matrix(app):
    """Every GET rule as every actor, on one world (GETs change nothing: test_csrf checks it)."""
    world = reset_world(app)
    visitors = Visitors(app, world)
    mismatches, visited = [], 0
    for label, rule, entry in policy_cells(app, "GET"):
        url = url_for_rule(app, rule, world, entry.params)
        for actor in ACTORS:
            response = visitors.visit(actor, "GET", url)
            visited += 1
            expected, got = entry.get[actor], outcome(response)
            if got != expected:
                mismatches.append(f"GET {label} {url} as {actor}: expected {expected}, got {got} ({_describe(response)})")
    assert not mismatches, f"{len(mismatches)} of {visited} visits disagree with the policy:\n" + "\n".join(mismatches)
    assert visited >= 9 * 40


def _declares_post(entry: Entry | dict[str, Entry]) -> bool:
    cases = entry.values() if isinstance(entry, dict) else [entry]
    return any(case.post is not None for case in cases)


POST_ENDPOINTS = sorted(endpoint for endpoint, entry in POLICY.items() if _declares_post(entry))


def test_the_post_matrix_covers_every_post_rule(app):
    """The POST matrix below is parametrized from policy.py; every routed POST rule is in it."""
    cells = list(policy_cells(app, "POST"))
    assert {rule.endpoint for _, rule, _ in cells} == set(POST_ENDPOINTS)
    assert len(cells) * len(ACTORS) >= 9 * 40


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_post_matrix(app, endpoint):
    """Every POST rule of `endpoint` as every actor, with an empty form. A refused request
    must leave the database and the storage exactly as they were; after an allowed one that
    changed something, the world is built again so the next actor meets the same objects."""
    world = reset_world(app)
    visitors = Visitors(app, world)
    mismatches, visited = [], 0
    for label, rule, entry in policy_cells(app, "POST", endpoint=endpoint):
        url = url_for_rule(app, rule, world, entry.params)
        for actor in ACTORS:
            before = fingerprint(app)
            response = visitors.visit(actor, "POST", url)
            visited += 1
            expected, got = entry.post[actor], outcome(response)
            if got != expected:
                mismatches.append(f"POST {label} {url} as {actor}: expected {expected}, got {got} "
                                  f"({_describe(response)})")
            if fingerprint(app) != before:
                if got != "ok":
                    mismatches.append(f"POST {label} as {actor} was refused ({got}) but changed the database "
                                      "or the storage")
                world = reset_world(app)
                visitors = Visitors(app, world)
                url = url_for_rule(app, rule, world, entry.params)
            else:
                visitors.ensure_logged_in(actor)
    assert visited, f"policy.py declares POST for {endpoint}, but none of its rules accepts POST"
    assert not mismatches, f"{len(mismatches)} of {visited} visits disagree with the policy:\n" + "\n".join(mismatches)


@pytest.mark.parametrize("actor", ["staff_b", "evaluator_conflict", "evaluator_unassigned", "observer", "supervisor"])
def test_the_policy_itself_keeps_the_core_promises(actor):
    """Guard rails on the table: whatever is edited later, these promises stay."""
    from tests.security.policy import OK

    draft_pages = [POLICY["registry.detail"]["draft"].get, POLICY["registry.edit"]["draft"].get,
                   POLICY["registry.edit"]["draft"].post, POLICY["evidence.download"]["draft"].get]
    assert all(page[actor] != OK for page in draft_pages), "only unit A may see or change unit A's draft"
    assert POLICY["scoring.score"].get[actor] != OK and POLICY["scoring.score"].post[actor] != OK
    open_by_design = {"auth.login", "ops.healthz", "reports.static", "jobs.static", "showcase.index",
                      "showcase.detail[accepted]",
                      "evidence.download[public]",
                      # The people's survey (issue 23): a public form behind a 99-bit code.
                      "feedback.survey", "feedback.thanks"}
    for endpoint, entry in POLICY.items():
        cases = entry.items() if isinstance(entry, dict) else [("", entry)]
        for case, each in cases:
            label = f"{endpoint}[{case}]" if case else endpoint
            for expected in (each.get, each.post):
                if expected and label not in open_by_design:
                    assert expected["anonymous"] != OK, f"{label} is open to anonymous visitors"
