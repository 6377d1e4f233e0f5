"""The way a run's messages go, from its settings: SMTP with a password or a token, or Microsoft Graph."""

from __future__ import annotations

from collections.abc import Callable

from ..config import SendOptions
from ..errors import SendError
from .graph import GraphMailer, MailboxDrafts
from .mailer import Mailer, sender
from .oauth import IdentityProvider, StoredSignIn, TokenCommand
from .send import Transport

GOOGLE_HOSTS = ("gmail.com", "googlemail.com", "google.com")


def identity_for(options: SendOptions) -> IdentityProvider:
    """IT's token command if one is given, else the facilitator's stored sign-in with the provider of the server."""
    if options.oauth_token_command:
        return TokenCommand(options.oauth_token_command)
    return StoredSignIn(provider_for(options))


def provider_for(options: SendOptions) -> str:
    """Google for Gmail's servers (or a Gmail sender sending by SMTP), Microsoft otherwise."""
    host = (options.smtp_host or "").lower()
    domain = sender(options)[1].rpartition("@")[2].lower() if "@" in options.sender else ""
    google = host.endswith(GOOGLE_HOSTS) or (not host and domain in GOOGLE_HOSTS)
    return "google" if google and options.via == "smtp" else "microsoft"


def open_transport(
    options: SendOptions, password: Callable[[], str | None], identity: IdentityProvider | None = None
) -> Transport:
    """The transport the settings ask for; `identity` replaces the stored sign-in (tests, callers of the library)."""
    if options.via == "graph":
        return GraphMailer(options, identity or identity_for(options))
    if options.via != "smtp":
        raise SendError(f'--via "{options.via}" is not one of smtp, graph.', fix="Use smtp (the default) or graph.")
    if options.smtp_auth == "oauth2":
        return Mailer(options, password, identity or identity_for(options))
    return Mailer(options, password)


def mailbox_drafts(options: SendOptions, identity: IdentityProvider | None = None) -> MailboxDrafts:
    """The facilitator's Drafts folder through Graph (--drafts-to-mailbox), signed in before the first draft."""
    if options.via != "graph":
        raise SendError(
            "--drafts-to-mailbox puts drafts in your Microsoft 365 mailbox through Microsoft Graph.",
            fix="Add --via graph (and sign in once with reportgen login microsoft --graph), or use --eml DIR.",
        )
    graph = GraphMailer(options, identity or identity_for(options))
    graph.connect()
    return MailboxDrafts(graph)
