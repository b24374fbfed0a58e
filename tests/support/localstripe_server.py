"""A private localstripe (a fake Stripe API server from PyPI) for the tests and the demo.

Run as a script, `python -m tests.support.localstripe_server --port 8420`, it serves on
127.0.0.1:8420 until interrupted (`make demo` starts it in the background and points
`MALL_STRIPE_API_BASE` at it). In the tests, the session fixture `localstripe` starts one on a
free port and yields its base URL.

`localstripe --port N`, the package's own command, is not good enough for either use, so this
runner starts localstripe's aiohttp app itself and changes five things, here and in
`localstripe_connect` and nowhere else:

1. It listens on 127.0.0.1 only (the package binds every interface, IPv4 and IPv6).
2. Its state lives in memory only. The package pickles its whole store to
   /tmp/localstripe.pickle after every write (and so slows down as the store grows) and
   reloads it at start, so one run would see another's objects and leave a file behind.
   The two methods of `localstripe.resources.Store` that do that become no-ops.
3. It accepts the few parameters the mall sends that real Stripe takes and localstripe does
   not know: `transfer_group` on PaymentIntents and `reason` on Refunds. They are stored on
   the object as sent (and so come back in responses), nothing more. Without this the
   gateway would have to send one request to the fake and another to Stripe.
4. Webhooks go to loopback addresses only (anything else is a 400), and an endpoint can be
   forgotten again with `DELETE /_config/webhooks/<id>`, so that a test's receiver does
   not outlive it. Nothing ever leaves the machine.
5. `localstripe_connect.install` adds what Stripe has and localstripe lacks: Connect
   (accounts, transfers, reversals), a balance computed from the charges and transfers
   (`POST /_config/balance` adds available funds), refunds capped at what is left of the
   charge, and the `Idempotency-Key` header honoured on every POST. Its docstring has the
   rules.

The server runs in a subprocess rather than in a thread of the test process: localstripe keeps
its objects and webhook endpoints in module globals and runs its own asyncio loop, the patches
above then touch no module the tests import, and a crash or hang of the fake cannot take the
test run (or Flask's threads) down with it. The fixture learns the port from the child's first
line of output (the child binds port 0 itself, so no other process can take the port between
choosing and binding), and the child exits when its parent does, even if the parent is killed.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
#: The child announces itself with this, followed by its base URL, on its first line.
READY = "localstripe listening on "


# --- the pytest side ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def localstripe() -> Iterator[str]:
    """Base URL of a localstripe started for this test session (`http://127.0.0.1:<port>`)."""
    with running_localstripe() as base_url:
        yield base_url


@contextmanager
def running_localstripe(port: int = 0, timeout: float = 30.0) -> Iterator[str]:
    """Start the server in a subprocess, yield its base URL, stop it on the way out."""
    command = [
        sys.executable, "-m", "tests.support.localstripe_server",
        "--port", str(port), "--quiet", "--exit-with-parent",
    ]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
        command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        yield _await_ready(process, timeout)
    finally:
        _stop(process)


def _await_ready(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    line = process.stdout.readline() if ready else ""
    if not line.startswith(READY):
        raise RuntimeError(
            f"localstripe did not start within {timeout:.0f}s "
            f"(exit code {process.poll()}, first line {line!r})"
        )
    return line[len(READY):].strip()


def _stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM (aiohttp shuts down cleanly on it), then SIGKILL if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()


# --- the server side (runs in the child process, or as the demo's script) -----------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8420, help="0 picks a free port")
    parser.add_argument("--quiet", action="store_true", help="no access log on stderr")
    parser.add_argument(
        "--exit-with-parent",
        action="store_true",
        help="exit when standard input closes (the fixture holds it open while it runs)",
    )
    args = parser.parse_args(argv)
    serve(args.port, quiet=args.quiet, exit_with_parent=args.exit_with_parent)


def serve(port: int, *, quiet: bool = False, exit_with_parent: bool = False) -> None:
    """Serve localstripe on 127.0.0.1:`port` until SIGINT or SIGTERM."""
    from aiohttp import web
    from localstripe import resources, server

    from tests.support import localstripe_connect

    _keep_state_in_memory(resources.Store)
    _accept_parameters(resources.PaymentIntent, "transfer_group")
    _accept_parameters(resources.Refund, "reason")
    _loopback_webhooks_only(server)
    _resolve_localhost_names()
    server.app.router.add_delete("/_config/webhooks/{id}", _forget_webhook)
    localstripe_connect.install(resources, server)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.listen(128)  # connections queue from now on, before aiohttp serves them
    base_url = f"http://{HOST}:{sock.getsockname()[1]}"

    async def announce(app: web.Application) -> None:
        # On startup, aiohttp already handles SIGTERM (a stop from now on is graceful).
        print(READY + base_url, flush=True)
        if exit_with_parent:
            threading.Thread(target=_exit_on_stdin_eof, daemon=True).start()

    server.app.on_startup.append(announce)
    access_log = None
    if not quiet:
        access_log = logging.getLogger("aiohttp.access")
        access_log.setLevel(logging.INFO)
        access_log.addHandler(logging.StreamHandler())
    web.run_app(server.app, sock=sock, print=None, access_log=access_log)


def _keep_state_in_memory(store_class: type) -> None:
    def no_disk(self: Any) -> None:
        """State stays in memory: nothing written to or read from /tmp/localstripe.pickle."""

    store_class.dump_to_disk = no_disk  # type: ignore[attr-defined]
    store_class.try_load_from_disk = no_disk  # type: ignore[attr-defined]


def _accept_parameters(resource: Any, *names: str) -> None:
    """Let `resource`'s create call take `names` (which real Stripe accepts) and keep them."""
    original = resource._api_create.__func__

    def create(cls: Any, **data: Any) -> Any:
        extra = {name: data.pop(name, None) for name in names}
        created = original(cls, **data)
        for name, value in extra.items():
            setattr(created, name, value)
        return created

    resource._api_create = classmethod(create)


def _loopback_webhooks_only(server: Any) -> None:
    from localstripe.errors import UserError

    register = server.register_webhook

    def register_loopback(id: str, url: str, secret: str, events: Any) -> None:
        if not _is_loopback(urlsplit(url).hostname or ""):
            raise UserError(400, "This localstripe only delivers webhooks to loopback addresses")
        register(id, url, secret, events)

    server.register_webhook = register_loopback


def _resolve_localhost_names() -> None:
    """Resolve `*.localhost` to 127.0.0.1 in this process, as browsers and curl do (RFC 6761
    reserves the name for loopback), so webhooks reach `stamps.post.localhost:5000` even where
    the system resolver does not know such names. The Host header keeps the mall's name."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if isinstance(name, str) and name.rstrip(".").endswith(".localhost"):
            host = "127.0.0.1"
        return resolve(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def _forget_webhook(request: Any) -> Any:
    from aiohttp import web
    from localstripe import webhooks

    webhooks._webhooks.pop(request.match_info["id"], None)
    return web.Response()


def _exit_on_stdin_eof() -> None:
    """Block until the parent closes our standard input (or dies), then stop cleanly.

    Raw `os.read` rather than `sys.stdin`: a daemon thread parked inside the buffered reader
    holds its lock and makes the interpreter abort at exit."""
    while os.read(sys.stdin.fileno(), 4096):
        pass
    os.kill(os.getpid(), signal.SIGTERM)


if __name__ == "__main__":
    main()
