"""New-issue alerts, as a collector meets them: following from a storefront's link, one mail
per issue however many follows it matches, a daily digest, and stopping from the mail."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from mall.alerts.models import AlertDelivery, Follow, FollowKind, Frequency
from mall.alerts.services import alert_followers, send_digests
from mall.catalogue.editing import publish
from mall.catalogue.models import Collection, Theme
from mall.columns import utcnow
from mall.extensions import db
from mall.mail.models import OutboxMessage
from mall.outbox.services import dispatch_committed
from mall.posts.models import PostStatus
from tests.support.accounts import sign_in
from tests.support.hosts import PORTAL, csrf_token, storefront

UY = storefront("uy")


@pytest.fixture
def other_client(app):
    """A second browser."""
    return app.test_client()


@pytest.fixture
def mall(make_post, make_issue, make_product):
    uy, nl = make_post("uy"), make_post("nl")
    birds = Theme(slug="birds", name={"en": "Birds", "fr": "Oiseaux"})
    db.session.add(birds)
    draft = make_issue(uy, slug="aves", title={"es": "Aves", "en": "Birds of Uruguay",
                                                "fr": "Oiseaux d'Uruguay"},
                       themes=["birds"], published_at=None, issue_date=date(2026, 12, 1))
    make_product(draft)
    dutch = make_issue(nl, slug="vogels", title={"nl": "Vogels", "en": "Dutch birds"},
                       themes=["birds"], published_at=None)
    make_product(dutch)
    collection = Collection(post_id=uy.id, slug="fauna", name={"en": "Fauna"})
    collection.issues = [draft]
    db.session.add(collection)
    db.session.commit()
    return {"uy": uy, "nl": nl, "draft": draft, "dutch": dutch, "birds": birds,
            "collection": collection}


def _follow(client, kind: str, ref: object, frequency: str = "immediately"):
    url = f"{PORTAL}/account/alerts/follow/{kind}/{ref}"
    return client.post(url, data={"frequency": frequency, "csrf_token": csrf_token(client, url)})


def _publish(issue) -> None:
    publish(db.session, issue, utcnow())
    db.session.commit()
    dispatch_committed(db.session)


def _mails(to: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == to)
                                   .order_by(OutboxMessage.id)))


def test_a_storefront_links_to_following_and_a_stranger_signs_in_first(client, mall):
    client.get(UY + "/language/en?next=/")
    home = client.get(UY + "/").get_data(as_text=True)
    assert f"{PORTAL}/account/alerts/follow/post/uy" in home
    response = client.get(PORTAL + "/account/alerts/follow/post/uy")
    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]


def test_following_a_post_mails_each_new_issue_in_the_readers_language(client, mall):
    buyer = sign_in(client, preferred_locale="fr")
    assert _follow(client, "post", "uy").status_code == 302
    follow = db.session.scalars(select(Follow)).one()
    assert (follow.buyer_id, follow.kind, follow.target_id) == (buyer.id, FollowKind.POST,
                                                                mall["uy"].id)
    _publish(mall["draft"])
    [mail] = _mails(buyer.email)
    assert "Oiseaux d'Uruguay" in mail.subject
    assert "stamps.uy.post" in mail.text_body
    assert "/issues/aves" in mail.text_body
    assert "/alerts/stop/" in mail.text_body


def test_one_mail_per_issue_however_many_follows_match(client, mall):
    buyer = sign_in(client)
    _follow(client, "post", "uy")
    _follow(client, "theme", "birds")
    _follow(client, "collection", mall["collection"].id, "daily")
    _publish(mall["draft"])
    assert len(_mails(buyer.email)) == 1
    # Announced again (taken off sale and put back, a retried task): nothing more.
    alert_followers(db.session, mall["draft"])
    db.session.commit()
    dispatch_committed(db.session)
    assert len(_mails(buyer.email)) == 1
    assert db.session.scalars(select(AlertDelivery)).one().sent_at is not None


def test_a_theme_follower_hears_of_every_posts_issues(client, mall):
    buyer = sign_in(client)
    _follow(client, "theme", "birds")
    _publish(mall["dutch"])
    [mail] = _mails(buyer.email)
    assert "Dutch birds" in mail.subject


def test_others_and_non_followers_hear_nothing(client, other_client, mall):
    sign_in(client)
    _follow(client, "post", "nl")
    other = sign_in(other_client, "ben@example.org")
    _publish(mall["draft"])
    assert _mails("ana@example.org") == []
    assert _mails(other.email) == []


def test_a_suspended_posts_issue_is_not_announced(client, mall):
    buyer = sign_in(client)
    _follow(client, "theme", "birds")
    mall["uy"].status = PostStatus.SUSPENDED
    db.session.commit()
    _publish(mall["draft"])
    assert _mails(buyer.email) == []


def test_the_daily_digest_gathers_and_sends_once(client, mall):
    buyer = sign_in(client)
    _follow(client, "theme", "birds", "daily")
    _publish(mall["draft"])
    _publish(mall["dutch"])
    assert _mails(buyer.email) == []
    assert send_digests(db.session, utcnow()) == 1
    db.session.commit()
    dispatch_committed(db.session)
    [digest] = _mails(buyer.email)
    assert "Birds of Uruguay" in digest.text_body
    assert "Dutch birds" in digest.text_body
    assert send_digests(db.session, utcnow()) == 0
    db.session.commit()
    dispatch_committed(db.session)
    assert len(_mails(buyer.email)) == 1


def test_the_list_changes_frequency_and_unfollows(client, mall):
    sign_in(client)
    _follow(client, "post", "uy")
    _follow(client, "theme", "birds")
    page = client.get(PORTAL + "/account/alerts").get_data(as_text=True)
    assert "Uruguayan Post" in page
    assert "Birds" in page
    follow = db.session.scalars(select(Follow).where(Follow.kind == FollowKind.POST)).one()
    token = csrf_token(client, PORTAL + "/account/alerts")
    changed = client.post(f"{PORTAL}/account/alerts/{follow.id}",
                          data={"frequency": "daily", "csrf_token": token})
    assert changed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Follow, follow.id).frequency is Frequency.DAILY
    gone = client.post(f"{PORTAL}/account/alerts/{follow.id}/unfollow",
                       data={"csrf_token": token})
    assert gone.status_code == 302
    assert db.session.get(Follow, follow.id) is None


def test_following_twice_keeps_one_follow(client, mall):
    sign_in(client)
    _follow(client, "post", "uy")
    _follow(client, "post", "uy", "daily")
    follow = db.session.scalars(select(Follow)).one()
    assert follow.frequency is Frequency.DAILY


@pytest.mark.parametrize(
    ("kind", "ref"),
    [("post", "zz"), ("post", "jp"), ("theme", "nothing"), ("collection", "999999"),
     ("collection", "fauna"), ("collection", "99999999999999999999"), ("planet", "uy")],
)
def test_nothing_to_follow_is_a_404(client, mall, make_post, kind, ref):
    make_post("jp", status=PostStatus.SUSPENDED)
    sign_in(client)
    assert client.get(f"{PORTAL}/account/alerts/follow/{kind}/{ref}").status_code == 404


@pytest.mark.parametrize("frequency", ["", "hourly", "immediately\x00"])
def test_a_bad_frequency_is_a_form_error(client, mall, frequency):
    sign_in(client)
    response = _follow(client, "post", "uy", frequency)
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Follow)).all() == []


def test_another_collectors_follow_is_not_found(client, other_client, mall):
    sign_in(client)
    _follow(client, "post", "uy")
    theirs = db.session.scalars(select(Follow)).one()
    sign_in(other_client, "ben@example.org")
    token = csrf_token(other_client, PORTAL + "/account/alerts")
    for url in (f"/account/alerts/{theirs.id}", f"/account/alerts/{theirs.id}/unfollow"):
        response = other_client.post(PORTAL + url, data={"csrf_token": token,
                                                         "frequency": "daily"})
        assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Follow, theirs.id).frequency is Frequency.IMMEDIATELY


def test_the_link_in_a_mail_stops_every_alert_without_signing_in(client, other_client, mall):
    buyer = sign_in(client)
    _follow(client, "post", "uy")
    _follow(client, "theme", "birds")
    _publish(mall["draft"])
    [mail] = _mails(buyer.email)
    link = re.search(r"https?://\S+/alerts/stop/\S+", mail.text_body).group(0)
    path = link.split("stamps.post", 1)[1].split("/", 1)[1]
    url = f"{PORTAL}/{path}"
    assert "Stop every new-issue alert?" in other_client.get(url).get_data(as_text=True)
    stopped = other_client.post(url, data={"csrf_token": csrf_token(other_client, url)})
    assert stopped.status_code == 200
    assert db.session.scalars(select(Follow)).all() == []
    assert other_client.get(PORTAL + "/alerts/stop/forged.token").status_code == 404


def test_the_alerts_page_costs_the_same_queries_for_many_follows(client, mall, make_post,
                                                                 count_queries):
    sign_in(client)
    _follow(client, "post", "uy")
    with count_queries() as few:
        client.get(PORTAL + "/account/alerts")
    for code in ("aa", "bb", "cc"):
        make_post(code)
        _follow(client, "post", code)
    _follow(client, "theme", "birds")
    _follow(client, "collection", mall["collection"].id)
    with count_queries() as many:
        client.get(PORTAL + "/account/alerts")
    assert len(many) == len(few) + 2  # the themes and the collections, one query each


def test_in_the_demo_claire_follows_uruguay_and_hears_of_its_christmas_issue(app):
    from mall.catalogue.models import Issue
    from mall.demo.seed import seed

    seed(db.session)
    db.session.commit()
    draft = db.session.scalars(select(Issue).where(Issue.slug == "navidad-2026")).one()
    assert draft.published_at is None
    _publish(draft)
    [mail] = _mails("collector@example.org")
    assert mail.subject == "Nouveau chez Uruguayan Post : Noël 2026"
