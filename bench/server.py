"""The app under gunicorn on loopback, as in production, for the load generator."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: the key of the benchmark's throwaway data (production requires one); fixed, so a data set
#: built by one run is read by the next (`--sqlite`)
TOTP_KEY = "YmVuY2htYXJrLXRvdHAta2V5LW5vdC1hLXNlY3JldCE="


class Server:
    """gunicorn with `workers` sync workers on a free port of 127.0.0.1."""

    def __init__(self, database_url: str, workers: int, settings: dict[str, str] | None = None):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "PROEFTUIN_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "TOTP_ENCRYPTION_KEY": TOTP_KEY,
            # The benchmark signs in without a phone; and its own load must not be throttled.
            "REQUIRE_TWO_FACTOR": "0",
            "API_RATE_LIMIT": "1000000 per minute",
            **(settings or {}),
        }
        self.process = subprocess.Popen(
            [str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env)
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited on start")
            try:
                status, _, _ = self.get("/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz")

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            connection.close()

    def sign_in(self, email: str, password: str) -> str:
        """Sign in through the real form; return the session cookie for the load generator."""
        status, headers, body = self.get("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)
        cookie = headers["Set-Cookie"].split(";", 1)[0]
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                "POST", "/login",
                body=urllib.parse.urlencode(
                    {"csrf_token": token, "email": email, "password": password}),
                headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 302:
                raise RuntimeError(f"sign-in answered {response.status}")
            # The session's cookie and the browser's device cookie, as a browser sends them.
            return "; ".join(cookie.split(";", 1)[0]
                             for cookie in response.headers.get_all("Set-Cookie"))
        finally:
            connection.close()

    def _workers(self) -> list[str]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return children.read_text().split()

    def worker_peak_mb(self) -> float:
        """The largest resident set any worker reached (VmHWM), in MB."""
        peaks = []
        for pid in self._workers():
            status = Path(f"/proc/{pid}/status").read_text()
            kilobytes = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
            peaks.append(kilobytes / 1024)
        return max(peaks)

    def reset_peaks(self) -> None:
        """Start each worker's high-water mark again from its present resident set.

        Signing in hashes the password with Argon2id, which takes 64 MiB for a moment; the
        pages' own peak is measured from after it (Linux's clear_refs, since 4.0).
        """
        for pid in self._workers():
            Path(f"/proc/{pid}/clear_refs").write_text("5")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
