"""How each demo post is paid: the Netherlands by Stripe transfer (Stripe Connect serves it;
the operator opens its connected account from the desk), Uruguay by bank transfer (no IBAN
there: an account number and the bank's BIC), the others through UPU clearing — as the
design says most posts will be. The bank details are invented, with real check digits."""

from __future__ import annotations

from sqlalchemy.orm import Session

from mall.posts.models import Post
from mall.settlement.models import PayoutAccount, PayoutMethod

#: Post code → (method, account holder, account number or IBAN, BIC).
ACCOUNTS: dict[str, tuple[PayoutMethod, str, str, str]] = {
    "nl": (PayoutMethod.STRIPE, "PostNL Filatelie B.V.", "NL91ABNA0417164300", "ABNANL2A"),
    "uy": (PayoutMethod.BANK_TRANSFER, "Administración Nacional de Correos",
           "001573462000012", "BROUUYMM"),
    "kh": (PayoutMethod.UPU_CLEARING, "Cambodia Post", "", ""),
    "ug": (PayoutMethod.UPU_CLEARING, "Posta Uganda", "", ""),
    "bw": (PayoutMethod.UPU_CLEARING, "BotswanaPost", "", ""),
    "tz": (PayoutMethod.UPU_CLEARING, "Tanzania Posts Corporation", "", ""),
}


def seed_payout_account(session: Session, post: Post, report: object) -> None:
    """Created once; what the operator or the post changes later is theirs to keep."""
    if post.code not in ACCOUNTS or session.get(PayoutAccount, post.id) is not None:
        return
    method, holder, number, bic = ACCOUNTS[post.code]
    session.add(PayoutAccount(post_id=post.id, method=method, account_holder=holder,
                              account_number=number, bic=bic))
