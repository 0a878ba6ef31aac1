"""The browser fixtures of tests/browser, for the survey's end-to-end test."""

from tests.browser.conftest import browser_app, chromium, live_server, page  # noqa: F401
