"""The login throttle: slows password guessing without letting anyone lock anyone out.

Counted are failed logins only (a wrong password or an unknown account), never answers the
server could not give (503) and never attempts refused by the throttle itself, which write
nothing. The account is the normalised login (trimmed, case-folded, an e-mail resolved to its
account, an unknown name counting as itself), so aliases share one allowance.

* per address: 20 failures in 5 minutes block that address for every account;
* per account and address: 5 failures in 5 minutes block that account from that address only;
* per account, everywhere: from 10 failures in 15 minutes on, each further attempt waits a
  growing delay (2, 4, 8 … up to 300 seconds after the last failure), except from an address
  where this account has logged in successfully within 30 days: so the real user still logs in
  from their own machine while someone else hammers the account from elsewhere.

Counters live in Redis (shared by every process) when the rate-limit store is Redis; when
Redis cannot be reached the throttle falls back to an in-process store, logs it, and
/healthz reports it, rather than failing open.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

from flask import current_app, request

log = logging.getLogger("danvankheo.auth.throttle")

MAX_LOGIN_LENGTH = 254  # the longest e-mail address (RFC 5321 path limit)
WINDOW = 300
ADDRESS_LIMIT = 20
PAIR_LIMIT = 5
ACCOUNT_WINDOW = 900
ACCOUNT_SOFT_LIMIT = 10
ACCOUNT_MAX_DELAY = 300
TRUSTED_FOR = 30 * 24 * 3600
REDIS_RETRY_AFTER = 30  # seconds between attempts to reach Redis again after a failure


class MemoryStore:
    """Counters with expiry in this process (a dict under a lock), bounded in size."""

    MAX_KEYS = 100_000

    def __init__(self) -> None:
        self._data: dict[str, tuple[float, float]] = {}  # key -> (value, expires at)
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> float | None:
        item = self._data.get(key)
        if item is None:
            return None
        if item[1] <= now:
            del self._data[key]
            return None
        return item[0]

    def get(self, key: str) -> float | None:
        with self._lock:
            return self._live(key, time.time())

    def incr(self, key: str, ttl: int) -> int:
        with self._lock:
            now = time.time()
            if len(self._data) >= self.MAX_KEYS:
                self._data = {k: v for k, v in self._data.items() if v[1] > now}
                if len(self._data) >= self.MAX_KEYS:
                    self._data.pop(next(iter(self._data)))
            value = (self._live(key, now) or 0) + 1
            expires = self._data[key][1] if key in self._data else now + ttl
            self._data[key] = (value, expires)
            return int(value)

    def set(self, key: str, value: float, ttl: int) -> None:
        with self._lock:
            self._data[key] = (value, time.time() + ttl)

    def live_keys(self) -> list[str]:
        with self._lock:
            now = time.time()
            return [k for k, (_v, expires) in self._data.items() if expires > now]

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class RedisStore:
    def __init__(self, url: str) -> None:
        import redis

        self._client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)

    def get(self, key: str) -> float | None:
        value = self._client.get(key)
        return None if value is None else float(value)

    def incr(self, key: str, ttl: int) -> int:
        pipe = self._client.pipeline()
        pipe.incr(key)
        pipe.expire(key, ttl, nx=True)
        return int(pipe.execute()[0])

    def set(self, key: str, value: float, ttl: int) -> None:
        self._client.set(key, value, ex=ttl)


# One in-process fallback per process, shared by every app built in it (tests build several).
MEMORY = MemoryStore()


@dataclass
class ThrottleState:
    """What /healthz shows about the throttle of this process."""

    store: str = "memory"
    fallback_since: float | None = None
    _redis: RedisStore | None = None
    _retry_at: float = 0.0


STATE = ThrottleState()
_STATE_LOCK = threading.Lock()


def _store_url() -> str:
    return current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"


def _prefix() -> str:
    return f"{current_app.config.get('RATELIMIT_KEY_PREFIX') or 'danvankheo'}:login:"


def _call(method: str, *args):
    """Run a store operation on Redis when configured and reachable, else on the fallback."""
    url = _store_url()
    if not url.startswith(("redis://", "rediss://", "unix://")):
        STATE.store = "memory"
        return getattr(MEMORY, method)(*args)
    import redis

    now = time.time()
    with _STATE_LOCK:
        if STATE._redis is None or getattr(STATE._redis, "url", None) != url:
            STATE._redis = RedisStore(url)
            STATE._redis.url = url  # type: ignore[attr-defined]
            STATE._retry_at = 0.0
        client, retry_at = STATE._redis, STATE._retry_at
    if now >= retry_at:
        try:
            result = getattr(client, method)(*args)
        except redis.RedisError as error:
            with _STATE_LOCK:
                if STATE.fallback_since is None:
                    STATE.fallback_since = now
                    log.error("login throttle: Redis unreachable (%s); counting in this process instead",
                              type(error).__name__)
                STATE._retry_at = now + REDIS_RETRY_AFTER
                STATE.store = "memory (fallback)"
        else:
            with _STATE_LOCK:
                if STATE.fallback_since is not None:
                    log.warning("login throttle: Redis reachable again")
                STATE.fallback_since = None
                STATE.store = "redis"
            return result
    return getattr(MEMORY, method)(*args)


def health() -> dict:
    """The throttle's store as /healthz reports it: a fallback is not an outage of the site."""
    if current_app.config.get("RATELIMIT_ENABLED", True) and _store_url().startswith(("redis", "unix")):
        _call("get", _prefix() + "health")  # notices an outage (or a recovery) now
    return {"ok": STATE.fallback_since is None, "store": STATE.store,
            **({"fallback_since": round(STATE.fallback_since)} if STATE.fallback_since else {})}


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _address() -> str:
    return request.remote_addr or "unknown"


def _keys(account: str) -> dict[str, str]:
    p, ip = _prefix(), _address()
    return {"address": f"{p}ip:{ip}", "pair": f"{p}pair:{account}:{ip}", "account": f"{p}acct:{account}",
            "last": f"{p}last:{account}", "trusted": f"{p}ok:{account}:{ip}"}


def retry_after(account: str) -> int | None:
    """Seconds to wait when a login attempt for `account` from this address is throttled now,
    else None. Reads only: a refused attempt writes nothing."""
    if not _enabled():
        return None
    keys = _keys(account)
    if (_call("get", keys["address"]) or 0) >= ADDRESS_LIMIT or (_call("get", keys["pair"]) or 0) >= PAIR_LIMIT:
        return WINDOW
    failures = int(_call("get", keys["account"]) or 0)
    if failures >= ACCOUNT_SOFT_LIMIT and not _call("get", keys["trusted"]):
        delay = min(2 ** (failures - ACCOUNT_SOFT_LIMIT + 1), ACCOUNT_MAX_DELAY)
        last = _call("get", keys["last"]) or 0
        wait = last + delay - time.time()
        if wait > 0:
            return math.ceil(wait)
    return None


def record_failure(account: str) -> None:
    if not _enabled():
        return
    keys = _keys(account)
    _call("incr", keys["address"], WINDOW)
    _call("incr", keys["pair"], WINDOW)
    _call("incr", keys["account"], ACCOUNT_WINDOW)
    _call("set", keys["last"], time.time(), ACCOUNT_WINDOW)


def record_success(account: str) -> None:
    """This address may log in to this account despite an account-wide backoff (30 days)."""
    if not _enabled():
        return
    _call("set", _keys(account)["trusted"], 1, TRUSTED_FOR)
