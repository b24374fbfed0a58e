"""Bank details a post is paid to, checked with schwifty (IBAN and BIC registries and
check digits) before any money is sent: a typo must stop at the form, not at the bank."""

from __future__ import annotations

import re

from flask_babel import LazyString
from schwifty import BIC, IBAN
from schwifty.exceptions import (
    InvalidBBANChecksum,
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    SchwiftyException,
)
from schwifty.registry import get_iban_spec

from mall.i18n import lazy_translate as _l


class BankDetailsError(ValueError):
    """The details are not usable; `message` says which part, in the reader's language."""

    def __init__(self, message: LazyString) -> None:
        super().__init__("unusable bank details")
        self.message = message


def uses_iban(country: str) -> bool:
    """Whether banks in `country` (ISO 3166 alpha-2) have IBANs (the Netherlands do,
    Uruguay and Cambodia do not)."""
    try:
        get_iban_spec(country.upper())
    except SchwiftyException:
        return False
    return True


def clean_account(text: str, country: str) -> str:
    """The IBAN, compact, where `country` uses them (its check digits and national format
    verified, and of that country); else an account number of 4 to 34 letters and digits."""
    compact = re.sub(r"[\s-]", "", text).upper()
    if uses_iban(country):
        try:
            iban = IBAN(compact)
        except SchwiftyException as error:
            raise BankDetailsError(_why(error, _l("This is not an IBAN."))) from None
        if iban.country_code != country.upper():
            raise BankDetailsError(_l("This IBAN is of %(found)s; an account in %(country)s is "
                                      "needed.", found=iban.country_code,
                                      country=country.upper()))
        return str(iban.compact)
    if not re.fullmatch(r"[A-Z0-9]{4,34}", compact):
        raise BankDetailsError(_l("An account number has 4 to 34 letters and digits."))
    return compact


def clean_bic(text: str) -> str:
    """A BIC (SWIFT code) of 8 or 11 characters with a real country code, compact."""
    compact = re.sub(r"\s", "", text).upper()
    try:
        return str(BIC(compact).compact)
    except SchwiftyException as error:
        raise BankDetailsError(_why(error, _l("This is not a BIC (SWIFT code)."))) from None


def _why(error: SchwiftyException, otherwise: LazyString) -> LazyString:
    if isinstance(error, InvalidChecksumDigits | InvalidBBANChecksum):
        return _l("Its check digits do not match: please compare it with the bank's letter.")
    if isinstance(error, InvalidLength):
        return _l("It has the wrong number of characters.")
    if isinstance(error, InvalidCountryCode):
        return _l("Its country code is not one that banks use.")
    return otherwise
