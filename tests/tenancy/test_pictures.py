"""Pictures posts upload: read by content, cleaned of camera data, resized, served on every
host; a logo replaces the drawn emblem."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from mall.catalogue.models import Condition, Issue, Product, ProductFormat
from mall.columns import utcnow
from mall.extensions import db
from mall.media.images import ImageRefused, store_image
from mall.media.storage import LocalStorage
from tests.support.hosts import PORTAL, csrf_token, storefront
from tests.tenancy.factories import become

UY = storefront("uy")


def _jpeg_with_gps(size: tuple[int, int] = (1600, 1200)) -> bytes:
    picture = Image.new("RGB", size, "#336699")
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x8825] = {1: "S", 2: (34.0, 54.0, 0.0)}  # GPS latitude (Montevideo)
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (400, 300), (255, 0, 0, 128)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def media(app, tmp_path: Path):
    before = app.config["MEDIA_DIR"]
    app.config["MEDIA_DIR"] = str(tmp_path / "media")
    yield LocalStorage(tmp_path / "media")
    app.config["MEDIA_DIR"] = before


def test_camera_data_is_removed_and_two_widths_are_made(media):
    upload = _jpeg_with_gps()
    assert Image.open(io.BytesIO(upload)).getexif().get_ifd(0x8825)  # the upload has a place
    stored = store_image(upload, media, 8_000_000)
    for width in (320, 960):
        data = media.read(f"{stored.key}-{width}.jpg")
        picture = Image.open(io.BytesIO(data))
        assert picture.width == width
        assert not picture.getexif()
        assert "exif" not in picture.info
    assert (stored.width, stored.height) == (1600, 1200)


def test_the_type_comes_from_the_content_not_the_name(media):
    stored = store_image(_png(), media, 8_000_000)  # a PNG, whatever it was called
    assert Image.open(io.BytesIO(media.read(f"{stored.key}-320.jpg"))).format == "JPEG"


@pytest.mark.parametrize(
    "data",
    [b"not a picture at all", b"GIF89a" + b"\x00" * 100, b"%PDF-1.4 fake"],
)
def test_what_is_not_a_picture_is_refused(media, data):
    with pytest.raises(ImageRefused):
        store_image(data, media, 8_000_000)


def test_a_picture_over_the_size_limit_is_refused(media):
    with pytest.raises(ImageRefused):
        store_image(_jpeg_with_gps(), media, 1_000)


def test_a_pixel_bomb_is_refused(media):
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")  # tiny file, 144 million pixels
    with pytest.raises(ImageRefused):
        store_image(out.getvalue(), media, 8_000_000)


def _issue(post) -> Issue:
    issue = Issue(post=post, slug="aves", title={"en": "Birds"}, issue_date=date(2024, 1, 1),
                  published_at=utcnow())
    db.session.add(Product(post_id=post.id, issue=issue, sku="AV-1",
                           format=ProductFormat.SINGLE, condition=Condition.MINT,
                           price_minor=100, currency=post.currency, stock=1))
    db.session.commit()
    return issue


def test_a_clerk_uploads_an_issue_picture_shown_on_every_host(app, client, staff, media):
    issue = _issue(staff["uy"])
    become(client, "clerk", staff, UY)
    url = f"{UY}/manage/issues/{issue.id}/picture"
    token = csrf_token(client, f"{UY}/manage/issues/{issue.id}")
    response = client.post(url, data={"csrf_token": token,
                                      "picture": (io.BytesIO(_jpeg_with_gps()), "a.txt")})
    assert response.status_code == 302
    db.session.expire_all()
    key = db.session.get(Issue, issue.id).image_key
    assert key
    page = client.get(UY + "/issues/aves").get_data(as_text=True)
    assert f"/media/{key}-960.jpg" in page
    for host in (UY, PORTAL):
        served = client.get(f"{host}/media/{key}-320.jpg")
        assert served.status_code == 200
        assert served.content_type == "image/jpeg"
    bad = client.post(url, data={"csrf_token": token,
                                 "picture": (io.BytesIO(b"plain text"), "a.jpg")})
    assert bad.status_code == 302
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).image_key == key  # the old picture stays


@pytest.mark.parametrize("name", ["nothing.jpg", "../../etc/passwd", "a" * 32 + "-320.png",
                                  "0" * 32 + "-320.jpg"])
def test_unknown_or_odd_media_names_are_not_found(client, staff, media, name):
    assert client.get(f"{UY}/media/{name}").status_code == 404


def test_a_manager_uploads_a_logo_that_replaces_the_emblem(client, staff, media):
    become(client, "manager", staff, UY)
    token = csrf_token(client, UY + "/manage/settings")
    response = client.post(UY + "/manage/settings/logo", data={
        "csrf_token": token, "picture": (io.BytesIO(_png()), "logo.png")})
    assert response.status_code == 302
    db.session.expire_all()
    key = staff["uy"].logo_key
    assert key
    assert f"/media/{key}-320.jpg" in client.get(UY + "/").get_data(as_text=True)
