"""CSRF: every route that accepts a method other than GET refuses a missing, a wrong and a
stolen (other session's) token, even for the actor the policy lets through; and no GET
changes the database or the storage."""

from __future__ import annotations

import re

from tests.security.harness import Visitors, fingerprint, methods_of, outcome, reset_world, url_for_rule
from tests.security.policy import ACTORS, OK, POLICY
from tests.security.test_authorization_matrix import policy_cells

TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _token_of(client) -> str:
    page = client.get("/dang-nhap").get_data(as_text=True)
    return TOKEN_RE.search(page).group(1)


def _allowed_actor(entry, method: str) -> str:
    expected = entry.expected(method)
    return next((actor for actor in ACTORS if expected[actor] == OK), "admin")


def _refusals(app, client, method: str, url: str, label: str, foreign_token: str) -> list[str]:
    problems = []
    for name, data in (("no token", {}), ("a wrong token", {"csrf_token": "ImZhbHNlIg.aaaa.bbbb"}),
                       ("another session's token", {"csrf_token": foreign_token})):
        before = fingerprint(app)
        try:
            response = client.open(url, method=method, data=data)
        except Exception as error:  # report every route, not only the first
            problems.append(f"{label} with {name}: {type(error).__name__}: {error}")
            continue
        if response.status_code != 400 or "Yêu cầu không hợp lệ" not in response.get_data(as_text=True):
            problems.append(f"{label} with {name}: {response.status_code}")
        if fingerprint(app) != before:
            problems.append(f"{label} with {name} changed the database")
    return problems


def test_every_state_changing_route_refuses_a_missing_or_wrong_token(app):
    world = reset_world(app)
    visitors = Visitors(app, world)  # logged in before CSRF is switched on
    stranger = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = True
    foreign_token = _token_of(stranger)  # valid, but for another session
    refusals, checked = [], 0
    methods = {m for rule in app.url_map.iter_rules() for m in methods_of(rule)} - {"GET"}
    for method in sorted(methods):
        for label, rule, entry in policy_cells(app, method):
            url = url_for_rule(app, rule, world, entry.params)
            for actor in sorted({_allowed_actor(entry, method), "anonymous"}):
                refusals += _refusals(app, visitors.clients[actor], method, url, f"{method} {label} as {actor}",
                                      foreign_token)
                checked += 3
    assert not refusals, "CSRF not enforced:\n" + "\n".join(refusals)
    assert checked >= 2 * 3 * 40


def test_a_valid_token_is_accepted(app, make_user):
    """The control for the test above: the same check lets a genuine form through."""
    from tests.factories import PASSWORD

    app.config["WTF_CSRF_ENABLED"] = True
    user = make_user()
    client = app.test_client()
    response = client.post("/dang-nhap", data={"login": user.login, "password": PASSWORD,
                                               "csrf_token": _token_of(client)})
    assert response.status_code == 302 and "/trang-chu" in response.headers["Location"]


# Reading that is itself recorded: the audit trail notes who downloaded which export.
READ_AUDIT_ACTIONS = {"export.xlsx", "export.document", "export.dossier", "export.certificates", "job.download"}


def _audit_actions() -> list[str]:
    from sqlalchemy import select

    from danvankheo.audit.models import AuditEvent
    from danvankheo.extensions import db

    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_no_get_changes_the_database(app):
    """Every GET rule (every case of the policy) as every actor leaves every row of every
    table and every stored file as it was; the audit trail may only gain read records."""
    world = reset_world(app)
    visitors = Visitors(app, world)
    changed, visited = [], 0
    before, audit_before = fingerprint(app, skip=("audit_events",)), _audit_actions()
    for label, rule, entry in policy_cells(app, "GET"):
        url = url_for_rule(app, rule, world, entry.params)
        for actor in ACTORS:
            response = visitors.visit(actor, "GET", url)
            visited += 1
            after, audit_after = fingerprint(app, skip=("audit_events",)), _audit_actions()
            new_audit = set(audit_after[len(audit_before):]) - READ_AUDIT_ACTIONS
            if after != before or audit_after[:len(audit_before)] != audit_before or new_audit:
                changed.append(f"GET {label} {url} as {actor} ({outcome(response)}) changed the database or "
                               f"storage{f' (audit: {sorted(new_audit)})' if new_audit else ''}")
            before, audit_before = after, audit_after
    assert not changed, "\n".join(changed)
    assert visited >= 9 * 40


def test_state_changing_routes_do_not_accept_get(app):
    """No GET reaches a POST-only view: the URL answers 405, or belongs to a page that only
    shows (awards.detail shares its URL with awards.save)."""
    from werkzeug.exceptions import MethodNotAllowed

    world = reset_world(app)
    adapter = app.url_map.bind("localhost")
    problems = []
    for rule in app.url_map.iter_rules():
        entry = POLICY.get(rule.endpoint)
        if entry is None or "GET" in methods_of(rule):
            continue
        entries = entry.values() if isinstance(entry, dict) else [entry]
        url = url_for_rule(app, rule, world, next(iter(entries)).params)
        try:
            endpoint, _ = adapter.match(url, method="GET")
        except MethodNotAllowed:
            continue
        if endpoint == rule.endpoint or POLICY.get(endpoint) is None:
            problems.append(f"GET {url} reaches {endpoint}")
    assert not problems, "\n".join(problems)
