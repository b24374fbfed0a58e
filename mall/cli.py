"""The `flask mall …` commands, listed explicitly."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

mall_cli = AppGroup("mall", help="Post Mall administration.")


def init_app(app: Flask) -> None:
    from mall.accounts.commands import accounts_cli
    from mall.alerts.commands import alerts_cli
    from mall.catalogue.commands import catalogue_cli
    from mall.demo.bench_seed import seed_bench_command
    from mall.demo.commands import seed_demo
    from mall.operator.commands import staff_cli
    from mall.orders.commands import orders_cli
    from mall.outbox.commands import outbox_cli
    from mall.privacy.commands import privacy_cli
    from mall.rates.commands import rates_cli
    from mall.settlement.commands import settle_command

    mall_cli.add_command(seed_demo)
    mall_cli.add_command(seed_bench_command)
    mall_cli.add_command(rates_cli)
    mall_cli.add_command(orders_cli)
    mall_cli.add_command(staff_cli)
    mall_cli.add_command(accounts_cli)
    mall_cli.add_command(outbox_cli)
    mall_cli.add_command(privacy_cli)
    mall_cli.add_command(catalogue_cli)
    mall_cli.add_command(alerts_cli)
    mall_cli.add_command(settle_command)
    app.cli.add_command(mall_cli)


@mall_cli.command("hosts")
def list_hosts() -> None:
    """Print the address of the portal and of every live storefront."""
    from flask import url_for

    from mall.extensions import db
    from mall.posts.models import Post

    click.echo(url_for("portal.home", _external=True))
    for post in db.session.scalars(Post.live_query()):
        click.echo(url_for("storefront.home", cc=post.code, _external=True))
