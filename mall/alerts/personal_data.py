"""A collector's follows, the alerts sent to them and their want list, for the privacy
package."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from mall.accounts.models import Buyer
from mall.alerts.models import AlertDelivery, Follow, WantedProduct
from mall.privacy.registry import PersonalData, Tables, row


def export_alerts(session: Session, buyer: Buyer) -> Tables:
    follows = session.scalars(select(Follow).where(Follow.buyer_id == buyer.id)
                              .order_by(Follow.id))
    deliveries = session.scalars(select(AlertDelivery).where(AlertDelivery.buyer_id == buyer.id)
                                 .order_by(AlertDelivery.id))
    wants = session.scalars(select(WantedProduct).where(WantedProduct.buyer_id == buyer.id)
                            .options(joinedload(WantedProduct.product))
                            .order_by(WantedProduct.id))
    return {
        "follows": [row(found, ("kind", "target_id", "frequency", "created_at"))
                    for found in follows],
        "alerts": [row(sent, ("issue_id", "created_at", "sent_at")) for sent in deliveries],
        "want_list": [row(wanted, ("created_at", "notified_at"), sku=wanted.product.sku)
                      for wanted in wants],
    }


def erase_alerts(session: Session, buyer: Buyer, now: datetime) -> None:
    for model in (AlertDelivery, Follow, WantedProduct):
        session.execute(delete(model).where(model.buyer_id == buyer.id),
                        execution_options={"synchronize_session": "fetch"})


ALERTS = PersonalData(name="alerts", tables=("follow", "alert_delivery", "wanted_product"),
                      export=export_alerts, erase=erase_alerts)
