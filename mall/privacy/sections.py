"""Every feature's personal data, in the order an erasure takes them: the visits first
(their hosts stop knowing the buyer), the account itself last. Add a line here with every
feature that keeps something about a buyer; `tests/privacy/test_sections.py` fails for a
table that points at a buyer or a visit and is in no section."""

from __future__ import annotations

from mall.accounts.personal_data import ADDRESSES, PROFILE, SIGN_IN_ATTEMPTS
from mall.alerts.personal_data import ALERTS
from mall.cart.personal_data import CART
from mall.mail.personal_data import MAIL
from mall.orders.personal_data import ORDERS
from mall.privacy.registry import PersonalData
from mall.standing.personal_data import STANDING
from mall.visitors.personal_data import VISITS

SECTIONS: tuple[PersonalData, ...] = (
    VISITS,
    MAIL,  # before the orders: it finds their addresses
    ORDERS,
    STANDING,
    CART,
    ALERTS,
    ADDRESSES,
    SIGN_IN_ATTEMPTS,
    PROFILE,
)
