"""Rate limits on answers, per address and per device cookie, counted in the same store as
Flask-Limiter's (RATELIMIT_STORAGE_URI: Redis in production, shared by every worker).

The `limits` package is the one Flask-Limiter is built on; it is used directly here because
the limit depends on two keys and on a setting read per request (tests switch it on)."""

from __future__ import annotations

import logging

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from .services import keyed_hash

log = logging.getLogger("danvankheo.feedback")
MESSAGE = ("Bạn đã gửi quá nhiều ý kiến trong thời gian ngắn. Vui lòng thử lại sau ít phút. "
           "Mỗi thiết bị chỉ cần gửi một lần; lần gửi sau sẽ thay lần trước.")


def _limiter() -> MovingWindowRateLimiter:
    state = current_app.extensions.get("feedback_limiter")
    if state is None:
        storage = storage_from_string(current_app.config["RATELIMIT_STORAGE_URI"])
        state = current_app.extensions["feedback_limiter"] = MovingWindowRateLimiter(storage)
    return state


def reset() -> None:
    _limiter().storage.reset()


def refused(*, address: str | None, device: str) -> str | None:
    """The message to show when this answer is over a limit (and count it otherwise)."""
    config = current_app.config
    if not config.get("FEEDBACK_RATE_LIMIT_ENABLED"):
        return None
    prefix = config.get("RATELIMIT_KEY_PREFIX", "danvankheo")
    checks = [(parse(config["FEEDBACK_LIMIT_PER_DEVICE"]), keyed_hash("device", device))]
    if address:
        checks.append((parse(config["FEEDBACK_LIMIT_PER_ADDRESS"]), keyed_hash("address", address)))
    try:
        limiter = _limiter()
        for item, key in checks:
            if not limiter.hit(item, prefix, "y-kien", key):
                return MESSAGE
    except Exception:  # a store outage must not stop the people answering; logged
        log.exception("feedback rate-limit store unavailable")
    return None
