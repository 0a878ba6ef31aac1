"""Addresses of pages for what is written outside a page: notifications, e-mails, jobs."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


def page_link(endpoint: str, **values) -> str:
    """The relative address of a page, also outside a request (services run from the CLI, jobs
    and tests too)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)
