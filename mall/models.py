"""Every feature's models, imported explicitly, so that Alembic's autogenerate (which compares
the database with the models it has seen) sees all tables, whether or not the app itself
happens to import a feature yet. Add a line here with every new models module."""

from mall.accounts import models as accounts_models
from mall.audit import models as audit_models
from mall.cart import models as cart_models
from mall.catalogue import models as catalogue_models
from mall.catalogue import search as catalogue_search
from mall.content import models as content_models
from mall.fulfilment import models as fulfilment_models
from mall.ledger import models as ledger_models
from mall.mail import models as mail_models
from mall.onboarding import models as onboarding_models
from mall.operator import models as operator_models
from mall.orders import models as orders_models
from mall.outbox import models as outbox_models
from mall.payments import attempts as payments_attempts
from mall.payments import models as payments_models
from mall.posts import models as posts_models
from mall.rates import models as rates_models
from mall.settlement import models as settlement_models
from mall.shipping import models as shipping_models
from mall.standing import models as standing_models
from mall.visitors import models as visitors_models

__all__ = [
    "accounts_models",
    "audit_models",
    "cart_models",
    "catalogue_models",
    "catalogue_search",
    "content_models",
    "fulfilment_models",
    "ledger_models",
    "mail_models",
    "onboarding_models",
    "operator_models",
    "orders_models",
    "outbox_models",
    "payments_attempts",
    "payments_models",
    "posts_models",
    "rates_models",
    "settlement_models",
    "shipping_models",
    "standing_models",
    "visitors_models",
]
