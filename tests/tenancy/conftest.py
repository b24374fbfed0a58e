"""The back office's cast: two posts, their staff, the operator and a buyer."""

from __future__ import annotations

from typing import Any

import pytest

from mall.accounts.models import Buyer
from mall.accounts.passwords import hash_password
from mall.extensions import db
from mall.operator.models import StaffMember, StaffRole
from mall.posts.models import Post
from tests.tenancy.factories import PASSWORD


@pytest.fixture
def staff(make_post) -> dict[str, Any]:
    uy, nl = make_post("uy"), make_post("nl")

    def member(email: str, role: StaffRole, post: Post | None) -> StaffMember:
        person = StaffMember(email=email, password_hash=hash_password(PASSWORD),
                             name=email.split("@")[0].title(), role=role,
                             post_id=post.id if post else None)
        db.session.add(person)
        return person

    people = {
        "clerk": member("clerk@uy.example", StaffRole.POST_CLERK, uy),
        "manager": member("manager@uy.example", StaffRole.POST_MANAGER, uy),
        "other_manager": member("manager@nl.example", StaffRole.POST_MANAGER, nl),
        "operator": member("desk@stamps.post", StaffRole.OPERATOR, None),
    }
    buyer = Buyer(email="ana@example.org", password_hash=hash_password(PASSWORD), name="Ana")
    db.session.add(buyer)
    db.session.commit()
    return {"uy": uy, "nl": nl, "buyer": buyer, **people}
