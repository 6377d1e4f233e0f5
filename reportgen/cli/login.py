"""login: the one-time sign-in with Microsoft 365 or Google that --smtp-auth oauth2 and --via graph use."""

from __future__ import annotations

from pathlib import Path

import click

from .. import console
from .common import _guarded
from .options import CONFIG, verbosity


@click.command()
@click.argument("provider", type=click.Choice(["microsoft", "google"]))
@click.option("--graph", is_flag=True, help="Microsoft: sign in for --via graph (Microsoft Graph) instead of SMTP.")
@click.option("--client-id", help="The app registration's client id (default: from reportgen.toml).")
@click.option("--tenant", help="Microsoft: your organisation's tenant id or domain (default: organizations).")
@click.option("--client-secret", help="Google: the Desktop app client's secret (default: from reportgen.toml).")
@CONFIG
@verbosity
@_guarded
def login(
    provider: str,
    graph: bool,
    client_id: str | None,
    tenant: str | None,
    client_secret: str | None,
    config: Path | None,
) -> None:
    r"""Sign in once with Microsoft 365 or Google, so that send needs no password.

    Microsoft shows a code to type at microsoft.com/devicelogin; Google opens your browser.
    The sign-in is kept in the system keyring, or else in a file only you can read.

    \b
    Example:
      reportgen login microsoft
      reportgen send reports --smtp-auth oauth2 --send
    """
    from ..pipeline.login import login as sign_in

    given = {"client_id": client_id, "tenant": tenant, "client_secret": client_secret}
    where = sign_in(provider, given, config, graph, tell=click.echo)
    console.signed_in(provider, where)
