"""Run the app under gunicorn with deploy/gunicorn.conf.py, and talk to it like a browser.

Used by the HTTP benchmarks and by tests/ops/test_two_instances.py. Everything stays on
loopback; every process started here is stopped by `GunicornServer.stop()` (or the `with`).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USER_AGENT = "danvankheo-bench/1.0"
_CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class GunicornServer:
    """`gunicorn -c deploy/gunicorn.conf.py app:app` on 127.0.0.1 with the given settings."""

    def __init__(self, env: dict[str, str], *, workers: int = 2, port: int | None = None,
                 log_path: Path | None = None, app: str = "app:app") -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.app = app
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "WEB_CONCURRENCY"))},
            "APP_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "LOG_FORMAT": "json",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "PYTHONUNBUFFERED": "1",
            "PLAIN_HTTP_ONLY": "1",  # loopback HTTP
            **env,
        }
        self.process: subprocess.Popen | None = None
        self._log_file = None

    def start(self, timeout: float = 30) -> GunicornServer:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        if self.log_path is not None:
            self._log_file = open(self.log_path, "ab")  # noqa: SIM115  (closed in stop)
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), self.app],
            cwd=ROOT, env=self.env, stdout=self._log_file or subprocess.DEVNULL,
            stderr=subprocess.STDOUT if self._log_file else subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout} s")

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the master)."""
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def stop(self, graceful: bool = False) -> None:
        """SIGINT (quick shutdown) by default; SIGTERM waits for requests in flight."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM if graceful else signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def __enter__(self) -> GunicornServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects (so 302s can be checked)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, path: str, data: dict | bytes | None = None, headers: dict | None = None,
                base_url: str | None = None) -> tuple[int, str, dict]:
        """GET, or POST when `data` is given (a form dict, or a ready body with its headers)."""
        url = (base_url or self.base_url) + path
        body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
        # A fixed User-Agent: Flask-Login's "strong" session protection ties the session to it,
        # so load tools replaying the cookie must send the same one (USER_AGENT).
        req = urllib.request.Request(url, data=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace"), dict(error.headers)

    def csrf(self, path: str, base_url: str | None = None) -> str:
        status, html, _ = self.request(path, base_url=base_url)
        assert status == 200, f"GET {path}: {status}"
        match = _CSRF_RE.search(html)
        assert match, f"no csrf_token on {path}"
        return match.group(1) or match.group(2)

    def login(self, login: str, password: str, base_url: str | None = None) -> int:
        token = self.csrf("/dang-nhap", base_url)
        status, _, _ = self.request("/dang-nhap", {"csrf_token": token, "login": login, "password": password},
                                    base_url=base_url)
        return status

    def session_cookie(self) -> str:
        """`name=value` of the session cookie, for tools such as wrk."""
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies)
