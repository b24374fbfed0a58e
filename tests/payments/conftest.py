"""Payments run against a real fake Stripe: localstripe, started once per session on
127.0.0.1, reached through the real stripe library. Nothing here mocks Stripe's API; the
HTTP client only keeps a copy of what it sends, so tests can check the wire."""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests
import stripe

from mall.payments.stripe_gateway import StripeGateway
from tests.support.localstripe_server import localstripe  # noqa: F401 - the session fixture

TEST_KEY = "sk_test_postmall"


@dataclass(frozen=True)
class SentRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: str | None

    @property
    def params(self) -> dict[str, str]:
        """The form-encoded body (`metadata[order_ref]` stays a flat key)."""
        return dict(parse_qsl(self.body or "", keep_blank_values=True))


class RecordingClient(stripe.RequestsClient):
    """Stripe's own requests-based HTTP client, keeping a copy of every request it sends.

    Its session ignores proxy settings from the environment: localstripe is on loopback."""

    def __init__(self) -> None:
        session = requests.Session()
        session.trust_env = False
        super().__init__(timeout=10, session=session)
        self.sent: list[SentRequest] = []

    def request(self, method: str, url: str, headers: Any, post_data: Any = None) -> Any:
        self.sent.append(SentRequest(method.upper(), url, dict(headers or {}), post_data))
        return super().request(method, url, headers, post_data)

    def posts(self) -> list[SentRequest]:
        return [r for r in self.sent if r.method == "POST"]


@pytest.fixture
def http_client() -> Iterator[RecordingClient]:
    client = RecordingClient()
    yield client
    client.close()


@pytest.fixture
def gateway(localstripe: str, http_client: RecordingClient) -> StripeGateway:  # noqa: F811
    return StripeGateway(
        TEST_KEY, api_base=localstripe, max_network_retries=0, http_client=http_client
    )


@pytest.fixture
def key() -> Any:
    """`key("start")` gives a fresh idempotency key, unique across the session's intents."""
    run = uuid.uuid4().hex[:12]
    return lambda name: f"test-{run}-{name}"


# --- webhooks --------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    """A loopback HTTP endpoint that keeps every POST it receives."""

    def __init__(self) -> None:
        deliveries: queue.Queue[Delivery] = queue.Queue()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", 0))
                deliveries.put(Delivery(dict(self.headers.items()), self.rfile.read(length)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test reports what matters."""

        self.deliveries = deliveries
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/stripe/webhook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def wait_for(self, event_type: str, object_id: str, timeout: float = 10.0) -> Delivery:
        """The delivery of `event_type` about `object_id`; others are set aside."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                delivery = self.deliveries.get(timeout=remaining)
            except queue.Empty:
                break
            event = json.loads(delivery.body)
            if event["type"] == event_type and event["data"]["object"]["id"] == object_id:
                return delivery
        raise AssertionError(f"no {event_type} for {object_id} within {timeout}s")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def webhook_secret() -> str:
    return f"whsec_{uuid.uuid4().hex}"


@pytest.fixture
def webhook_endpoint(localstripe: str, webhook_secret: str) -> Iterator[WebhookReceiver]:  # noqa: F811
    """A receiver registered on localstripe with `webhook_secret`, unregistered afterwards."""
    receiver = WebhookReceiver()
    endpoint = f"{localstripe}/_config/webhooks/{uuid.uuid4().hex}"
    session = requests.Session()
    session.trust_env = False
    response = session.post(
        endpoint, data={"url": receiver.url, "secret": webhook_secret}, timeout=10
    )
    assert response.status_code == 200, response.text
    try:
        yield receiver
    finally:
        session.delete(endpoint, timeout=10)
        session.close()
        receiver.close()
