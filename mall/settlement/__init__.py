"""Settlement: statements per post and period, payouts, refunds, and the desk's suspense —
the operator's side of the money, booked in `mall.ledger`."""
