"""Stripe Connect for the tests' localstripe: accounts, transfers, reversals and a balance.

localstripe (1.15) knows nothing of Connect: `/v1/accounts`, `/v1/transfers` and transfer
reversals answer 404, and its `GET /v1/balance` always says 20.00 EUR available, whatever
happened. It also ignores the `Idempotency-Key` header (every POST acts again) and lets a
refund exceed what is left of the charge. `install(resources, server)`, called from
`localstripe_server.serve()` in the child process, adds:

* `Account` (`acct_…`): `POST /v1/accounts`, `GET /v1/accounts/{id}`. A capability that is
  requested is active at once (real Stripe waits for the account's onboarding); a Standard
  account has `card_payments` and `transfers` without asking.
* `Transfer` (`tr_…`): `POST /v1/transfers`, `GET /v1/transfers/{id}`, `GET /v1/transfers`
  (filtered by `destination` and `transfer_group`), with Stripe's rules: a positive amount;
  a destination that exists and may receive transfers; with `source_transaction`, a
  succeeded charge in the transfer's currency that still holds the amount (its amount, less
  refunds, less what earlier transfers took from it and did not give back); without one,
  enough *available* balance, else `balance_insufficient`.
* `TransferReversal` (`trr_…`): `POST` and `GET /v1/transfers/{id}/reversals`, never more
  than what the transfer has left.
* `GET /v1/balance`, computed: *pending* is what succeeded charges still hold; *available*
  starts at zero in every currency (card payments are pending funds on Stripe for days) and
  only `POST /_config/balance` (form fields `currency`, `amount`) adds to it — the fake's
  stand-in for Stripe's 4000000000000077 test card. A transfer without `source_transaction`
  takes from it, reversing one gives back.
* Refunds: one above what is left of the charge is refused (400, Stripe's message), one
  without `amount` refunds what is left rather than the whole charge again, and a refund of
  a PaymentIntent that has no charge is a 400 instead of a crash.
* Idempotency, on every POST that carries an `Idempotency-Key`, as Stripe keeps it: the key
  with the same path and parameters replays the first response (same object, nothing done
  again, `Idempotent-Replayed: true`); with another path or other parameters it is a 400
  `idempotency_error`; while the first request is still running, a 409
  `idempotency_key_in_use`. As on Stripe, the first response is kept once the endpoint
  started working, refusals included: a transfer refused for want of balance stays refused
  under its key, and trying again after funds arrived takes a new key. Not kept (nothing was
  done): parameters that fail validation (localstripe's "Bad request" and "Unexpected …",
  Stripe's `parameter_…` codes), a refused API key, a concurrent request, an unknown route.
  Keys are kept per secret key, in the store (`DELETE /_config/data` forgets them).

Errors carry the `code` real Stripe gives where it gives one (`balance_insufficient`,
`resource_missing`, `charge_already_refunded`, `insufficient_capabilities_for_transfer`,
`parameter_invalid_integer`); where Stripe only names the `param`, so does the fake, rather
than invent a code that production would never send.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from localstripe.errors import UserError
from localstripe.resources import (
    Balance,
    Charge,
    List,
    StripeObject,
    store,
    try_convert_to_bool,
    try_convert_to_int,
)

# Some parameters are called `type`, as in localstripe's own classes.
_type = type

ACCOUNT_TYPES = ("custom", "express", "standard")
#: What a Standard account can do without asking (it is the post's own Stripe account).
STANDARD_CAPABILITIES = ("card_payments", "transfers")
INSUFFICIENT_FUNDS = (
    "You have insufficient available funds in your Stripe account. (This localstripe "
    "starts every currency's available balance at zero: add funds with POST "
    "/_config/balance.)"
)
IDEMPOTENCY_SLOT = "idempotency_key:"


def install(resources: Any, server: Any) -> None:
    """Add Connect to localstripe's `resources` and to `server`'s app (before it runs)."""
    router = server.app.router
    for method, url, func in (
        ("POST", "/v1/accounts", server.api_create),
        ("GET", "/v1/accounts/{id}", server.api_retrieve),
    ):
        router.add_route(method, url, func(Account, url))
    # Reversals: registered as localstripe registers its extra routes.
    for method, url, func in (
        ("POST", "/v1/transfers/{id}/reversals", Transfer._api_reverse),
        ("GET", "/v1/transfers/{id}/reversals", Transfer._api_list_reversals),
    ):
        router.add_route(method, url, server.api_extra(func, url))
    for method, url, func in (
        ("POST", "/v1/transfers", server.api_create),
        ("GET", "/v1/transfers/{id}", server.api_retrieve),
        ("GET", "/v1/transfers", server.api_list_all),
    ):
        router.add_route(method, url, func(Transfer, url))

    _compute_balance(resources.Balance)
    _refuse_refunds_beyond_the_charge(resources.Refund)

    async def config_balance(request: web.Request) -> web.Response:
        data = await server.get_post_data(request) or {}
        currency = data.get("currency")
        amount = try_convert_to_int(data.get("amount"))
        if not _is_currency(currency) or _type(amount) is not int or amount <= 0:
            raise UserError(400, "Expected a currency and a positive integer amount")
        balance = resources.Balance._api_retrieve()
        available = _available(balance)
        available[currency.lower()] = available.get(currency.lower(), 0) + amount
        return server.json_response(balance._export())

    router.add_post("/_config/balance", config_balance)
    server.app.middlewares.append(_idempotency_middleware(server))


# --- the resources ------------------------------------------------------------------------


class Account(StripeObject):
    object = "account"
    _id_prefix = "acct_"

    def __init__(self, type=None, country="US", email=None, capabilities=None,
                 metadata=None, business_type=None, **kwargs):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))

        try:
            assert type in ACCOUNT_TYPES
            assert _type(country) is str
            assert re.fullmatch("[A-Z]{2}", country)
            if email is not None:
                assert _type(email) is str
                assert "@" in email
            if capabilities is not None:
                assert _type(capabilities) is dict
                assert all(_type(v) is dict for v in capabilities.values())
            if metadata is not None:
                assert _type(metadata) is dict
            if business_type is not None:
                assert business_type in ("individual", "company", "non_profit",
                                         "government_entity")
        except AssertionError:
            raise UserError(400, "Bad request") from None

        requested = [name for name, wish in (capabilities or {}).items()
                     if try_convert_to_bool(wish.get("requested")) is True]
        if type == "standard":
            requested = sorted(set(requested) | set(STANDARD_CAPABILITIES))

        # All exceptions must be raised before this point.
        super().__init__()

        self.type = type
        self.country = country
        self.email = email
        self.business_type = business_type
        self.capabilities = dict.fromkeys(requested, "active")
        self.metadata = metadata or {}
        self.details_submitted = True

    @property
    def charges_enabled(self):
        return self.capabilities.get("card_payments") == "active"

    @property
    def payouts_enabled(self):
        return self.capabilities.get("transfers") == "active"

    @classmethod
    def _api_retrieve(cls, id):
        obj = store.get(cls.object + ":" + id)
        if obj is None:
            raise UserError(404, f"No such account: '{id}'",
                            {"code": "resource_missing", "param": "account"})
        return obj


class Transfer(StripeObject):
    object = "transfer"
    _id_prefix = "tr_"

    def __init__(self, amount=None, currency=None, destination=None, transfer_group=None,
                 source_transaction=None, metadata=None, description=None, **kwargs):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))

        amount = try_convert_to_int(amount)
        try:
            assert _type(amount) is int
            assert _is_currency(currency)
            assert _type(destination) is str
            assert destination
            if transfer_group is not None:
                assert _type(transfer_group) is str
            if source_transaction is not None:
                assert _type(source_transaction) is str
            if metadata is not None:
                assert _type(metadata) is dict
            if description is not None:
                assert _type(description) is str
        except AssertionError:
            raise UserError(400, "Bad request") from None
        currency = currency.lower()

        _check_positive(amount)
        account = store.get(Account.object + ":" + destination)
        if account is None:
            raise UserError(400, f"No such destination: '{destination}'",
                            {"code": "resource_missing", "param": "destination"})
        if account.capabilities.get("transfers") != "active":
            raise UserError(
                400,
                "Your destination account needs to have at least one of the following "
                "capabilities enabled: transfers, crypto_transfers, legacy_payments",
                {"code": "insufficient_capabilities_for_transfer", "param": "destination"})
        if source_transaction is not None:
            _check_source(source_transaction, amount, currency)
        else:
            available = _available(_balance())
            if available.get(currency, 0) < amount:
                raise UserError(400, INSUFFICIENT_FUNDS, {"code": "balance_insufficient"})

        # All exceptions must be raised before this point.
        super().__init__()

        self.amount = amount
        self.currency = currency
        self.destination = destination
        self.transfer_group = transfer_group
        self.source_transaction = source_transaction
        self.source_type = "card"
        self.metadata = metadata or {}
        self.description = description

        if source_transaction is None:
            available[currency] -= amount

    @property
    def reversals(self):
        li = List("/v1/transfers/" + self.id + "/reversals", limit=100)
        li._list = self._reversals()
        return li

    @property
    def amount_reversed(self):
        return sum(reversal.amount for reversal in self._reversals())

    @property
    def reversed(self):
        return self.amount_reversed >= self.amount

    def _reversals(self):
        """Newest first, as Stripe lists them."""
        return [r for r in reversed(_objects(TransferReversal.object))
                if r.transfer == self.id]

    @classmethod
    def _api_retrieve(cls, id):
        obj = store.get(cls.object + ":" + id)
        if obj is None:
            raise UserError(404, f"No such transfer: '{id}'",
                            {"code": "resource_missing", "param": "id"})
        return obj

    @classmethod
    def _api_list_all(cls, url, destination=None, transfer_group=None, limit=None,
                      starting_after=None, **kwargs):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        try:
            if destination is not None:
                assert _type(destination) is str
            if transfer_group is not None:
                assert _type(transfer_group) is str
        except AssertionError:
            raise UserError(400, "Bad request") from None

        li = List(url, limit=limit, starting_after=starting_after)
        li._list = [t for t in reversed(_objects(cls.object))
                    if destination in (None, t.destination)
                    and transfer_group in (None, t.transfer_group)]
        return li

    @classmethod
    def _api_reverse(cls, id=None, **data):
        return TransferReversal(transfer=id, **data)

    @classmethod
    def _api_list_reversals(cls, id=None, limit=None, starting_after=None,
                            **kwargs):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        transfer = cls._api_retrieve(id)
        li = List("/v1/transfers/" + transfer.id + "/reversals", limit=limit,
                  starting_after=starting_after)
        li._list = transfer._reversals()
        return li


class TransferReversal(StripeObject):
    object = "transfer_reversal"
    _id_prefix = "trr_"

    def __init__(self, transfer=None, amount=None, metadata=None, **kwargs):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))

        amount = try_convert_to_int(amount)
        try:
            assert _type(transfer) is str
            if amount is not None:
                assert _type(amount) is int
            if metadata is not None:
                assert _type(metadata) is dict
        except AssertionError:
            raise UserError(400, "Bad request") from None

        transfer_obj = Transfer._api_retrieve(transfer)
        left = transfer_obj.amount - transfer_obj.amount_reversed
        if left <= 0:
            raise UserError(400, f"Transfer {transfer} has already been fully reversed.",
                            {"param": "amount"})
        if amount is None:
            amount = left
        _check_positive(amount)
        if amount > left:
            raise UserError(
                400,
                f"Amount requested ({amount} {transfer_obj.currency.upper()}) exceeds the "
                f"amount left to reverse on transfer {transfer} "
                f"({left} {transfer_obj.currency.upper()})",
                {"param": "amount"})

        # All exceptions must be raised before this point.
        super().__init__()

        self.transfer = transfer
        self.amount = amount
        self.currency = transfer_obj.currency
        self.metadata = metadata or {}
        self.destination_payment_refund = None
        self.source_refund = None

        if transfer_obj.source_transaction is None:
            available = _available(_balance())
            available[self.currency] = available.get(self.currency, 0) + amount


# --- the balance, and what a charge still holds -------------------------------------------


def _objects(name: str) -> list[Any]:
    """The store's objects of one kind, oldest first."""
    prefix = name + ":"
    return [value for key, value in store.items() if key.startswith(prefix)]


def _held_by(charge: Any) -> int:
    """What a charge still holds for transfers: its amount, less refunds, less what transfers
    took from it and did not give back."""
    transferred = sum(t.amount - t.amount_reversed for t in _objects(Transfer.object)
                      if t.source_transaction == charge.id)
    return charge.amount - charge.amount_refunded - transferred


def _check_source(charge_id: str, amount: int, currency: str) -> None:
    charge = store.get(Charge.object + ":" + charge_id) if charge_id.startswith("ch_") else None
    if charge is None:
        raise UserError(400, f"No such charge: '{charge_id}'",
                        {"code": "resource_missing", "param": "source_transaction"})
    if charge.status != "succeeded" or not charge.captured:
        raise UserError(400, f"The source_transaction {charge_id} has not succeeded: only "
                             "a successful charge can fund a transfer.",
                        {"param": "source_transaction"})
    if charge.currency.lower() != currency:
        raise UserError(400, "The currency of source_transaction's balance transaction "
                             f"({charge.currency.lower()}) must be the same as the transfer "
                             f"currency ({currency})",
                        {"param": "source_transaction"})
    held = _held_by(charge)
    if amount > held:
        raise UserError(400, f"The transfer amount ({amount} {currency.upper()}) exceeds what "
                             f"source_transaction {charge_id} still holds "
                             f"({max(held, 0)} {currency.upper()})",
                        {"param": "amount"})


def _check_positive(amount: int) -> None:
    if amount < 1:
        raise UserError(400, "This value must be greater than or equal to 1.",
                        {"code": "parameter_invalid_integer", "param": "amount"})


def _is_currency(value: Any) -> bool:
    return _type(value) is str and re.fullmatch("[A-Za-z]{3}", value) is not None


def _balance() -> Any:
    return Balance._api_retrieve()


def _available(balance: Any) -> dict[str, int]:
    """The available funds per currency, kept on the stored balance object."""
    return balance.__dict__.setdefault("_available", {})


def _compute_balance(balance_class: Any) -> None:
    """localstripe's route serves whatever `Balance` is in the store (creating one when there
    is none): make that object start empty and report what the store says."""

    def init(self: Any) -> None:
        self.livemode = False
        self._available = {}
        store[self.object] = self

    def export(self: Any, expand: Any = None) -> dict[str, Any]:
        pending: dict[str, int] = {}
        for charge in _objects(Charge.object):
            if charge.status == "succeeded" and charge.captured:
                currency = charge.currency.lower()
                pending[currency] = pending.get(currency, 0) + _held_by(charge)
        available = _available(self)
        currencies = sorted(set(pending) | set(available))

        def funds(amounts: dict[str, int]) -> list[dict[str, Any]]:
            return [{"amount": amounts.get(c, 0), "currency": c,
                     "source_types": {"card": amounts.get(c, 0)}} for c in currencies]

        return {"object": "balance", "livemode": False,
                "available": funds(available), "pending": funds(pending)}

    balance_class.__init__ = init
    balance_class._export = export


def _refuse_refunds_beyond_the_charge(refund_class: Any) -> None:
    original = refund_class._api_create.__func__

    def create(cls: Any, **data: Any) -> Any:
        charge = _charge_to_refund(data)
        if charge is not None:
            left = charge.amount - charge.amount_refunded
            if left <= 0:
                raise UserError(400, f"Charge {charge.id} has already been refunded.",
                                {"code": "charge_already_refunded"})
            amount = try_convert_to_int(data.get("amount"))
            if amount is None:
                data["amount"] = left
            elif _type(amount) is int and amount > left:
                currency = charge.currency.upper()
                raise UserError(400, f"Refund amount ({amount} {currency}) is greater than "
                                     f"unrefunded amount on charge ({left} {currency})",
                                {"param": "amount"})
        return original(cls, **data)

    refund_class._api_create = classmethod(create)


def _charge_to_refund(data: dict[str, Any]) -> Any:
    """The charge a refund request is about, or None to leave the checks to localstripe."""
    charge_id, intent_id = data.get("charge"), data.get("payment_intent")
    if _type(charge_id) is str:
        return store.get(Charge.object + ":" + charge_id)
    if _type(intent_id) is not str:
        return None
    intent = store.get("payment_intent:" + intent_id)
    if intent is None:
        return None
    if intent.latest_charge is None:
        raise UserError(400, f"This PaymentIntent ({intent_id}) does not have a successful "
                             "charge to refund.", {"param": "payment_intent"})
    return intent.latest_charge


# --- idempotency --------------------------------------------------------------------------


class _Stored:
    """The first response to an idempotency key (`status` None while it is being made)."""

    def __init__(self, path: str, parameters: Any) -> None:
        self.path = path
        self.parameters = parameters
        self.status: int | None = None
        self.body = b""
        self.content_type = "application/json"
        self.charset: str | None = "utf-8"


def _idempotency_middleware(server: Any) -> Any:
    @web.middleware
    async def idempotency(request: web.Request, handler: Any) -> web.StreamResponse:
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return await handler(request)

        scope = (server.get_api_key(request) or "") + "\0" + key
        slot = IDEMPOTENCY_SLOT + hashlib.sha256(scope.encode()).hexdigest()
        parameters = _parameters(request, await request.read())
        stored = store.get(slot)
        if stored is not None:
            if stored.path != request.path:
                return _idempotency_error(
                    server, f"Keys for idempotent requests can only be used for the same "
                            f"endpoint they were first used for ('{stored.path}' vs "
                            f"'{request.path}'). Try using a key other than '{key}' if you "
                            "meant to execute a different request.")
            if stored.parameters != parameters:
                return _idempotency_error(
                    server, "Keys for idempotent requests can only be used with the same "
                            f"parameters they were first used with. Try using a key other "
                            f"than '{key}' if you meant to execute a different request.")
            if stored.status is None:
                return server.json_response({"error": {
                    "type": "invalid_request_error", "code": "idempotency_key_in_use",
                    "message": "There is currently another in-progress request using this "
                               f"idempotent key: {key}. Please try again later."}}, status=409)
            return web.Response(
                body=stored.body, status=stored.status, content_type=stored.content_type,
                charset=stored.charset, headers={"Idempotent-Replayed": "true"})

        stored = store[slot] = _Stored(request.path, parameters)
        try:
            try:
                response = await handler(request)
            except UserError as error:
                response = error.to_response()
        except BaseException:
            store.pop(slot, None)
            raise
        if isinstance(response, web.Response) and isinstance(response.body, bytes) \
                and _endpoint_acted(response.status, response.body):
            stored.status, stored.body = response.status, response.body
            stored.content_type, stored.charset = response.content_type, response.charset
        else:
            store.pop(slot, None)
        return response

    return idempotency


def _endpoint_acted(status: int, body: bytes) -> bool:
    """Whether Stripe would keep this response with its key: not when the request never got
    past authentication, a concurrent request or the validation of its parameters."""
    if status in (401, 403, 409, 429):
        return False
    if status != 400:
        return True
    try:
        error = json.loads(body).get("error") or {}
    except ValueError:
        return True
    message, code = error.get("message") or "", error.get("code") or ""
    return not (message == "Bad request" or message.startswith("Unexpected ")
                or code.startswith("parameter_"))


def _parameters(request: web.Request, body: bytes) -> Any:
    """What makes two requests the same: their form fields in any order (else the body)."""
    if request.content_type == "application/x-www-form-urlencoded":
        return sorted(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return body


def _idempotency_error(server: Any, message: str) -> web.Response:
    return server.json_response(
        {"error": {"type": "idempotency_error", "message": message}}, status=400)
