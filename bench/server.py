"""Gunicorn serving the mall in the production configuration on a free loopback port, with
the outbox worker beside it as in production, and the web workers' memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import requests

from mall.health import HEALTH_PATH

ROOT = Path(__file__).resolve().parent.parent
PORTAL = "stamps.post"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(
    database_url: str, secret: str, *, page_cache: bool = True, cache_url: str = ""
) -> dict[str, str]:
    """MALL_ENV=production with what it needs. Mail is stored in the outbox instead of
    sent by SMTP (there is no mail server here, and a refused connection per order would
    measure the network, not the mall). `page_cache=False` draws every page (the cold
    column); `cache_url` shares the cache through Redis, as several nodes would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALL_")}
    env.update({
        "MALL_ENV": "production",
        "MALL_SECRET_KEY": secret,
        "MALL_DATABASE_URL": database_url,
        "MALL_MAIL_TRANSPORT": "outbox",
        "MALL_PAGE_CACHE": "true" if page_cache else "false",
        "MALL_CACHE_URL": cache_url,
        "PYTHONDONTWRITEBYTECODE": "1",
        # This checkout's code, even where the venv's editable install points at another.
        "PYTHONPATH": str(ROOT),
    })
    return env


class Gunicorn:
    """`gunicorn --workers 2` (sync) on 127.0.0.1:<free port>, and `flask mall outbox work`
    (production's mail and Stripe calls run there, on the same cores); a context manager."""

    def __init__(self, env: dict[str, str], workers: int = 2) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None
        self.outbox_worker: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        bin_dir = Path(sys.executable).parent
        self.process = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, fixed arguments
            [str(bin_dir / "gunicorn"), "--workers", str(self.workers), "--worker-class",
             "sync", "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "bench.wsgi:app"],
            cwd=ROOT, env=self.env)
        self.outbox_worker = subprocess.Popen(  # noqa: S603 - the venv's flask, fixed arguments
            [str(bin_dir / "flask"), "--app", "bench.wsgi", "mall", "outbox", "work"],
            cwd=ROOT, env=self.env, stderr=subprocess.DEVNULL)
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited at start")
            if self.outbox_worker is not None and self.outbox_worker.poll() is not None:
                raise RuntimeError("the outbox worker exited at start")
            try:
                reply = requests.get(self.base + HEALTH_PATH, headers={"Host": PORTAL},
                                     timeout=10, proxies={"http": "", "https": ""})
                if reply.status_code == 200 and len(self.worker_pids()) == self.workers:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 120 s")

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        for process in (self.process, self.outbox_worker):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def drain(self) -> None:
        """Wait until the requests a load left behind are done. wrk closes its connections
        when its time is up, but gunicorn's sync workers still serve every request already
        sent, in order: a slow page would otherwise eat into the next page's measurement.
        A health request waits behind them; one per worker."""
        for _ in range(self.workers):
            requests.get(self.base + HEALTH_PATH, headers={"Host": PORTAL}, timeout=600,
                         proxies={"http": "", "https": ""})

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                pids.append(int(entry.name))
        return pids

    def worker_rss_mb(self) -> float:
        """The largest resident set of the workers, in MB (VmRSS, /proc)."""
        largest = 0
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        largest = max(largest, int(line.split()[1]))
            except OSError:
                continue
        return round(largest / 1024, 1)
