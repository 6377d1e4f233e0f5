"""A refused sign-in explained: Microsoft 365's and Google's answers recognised, each with the way out.

Microsoft 365 answers `535 5.7.139 … SmtpClientAuthentication is disabled` (or "basic
authentication is disabled", "security defaults") when password sign-in to SMTP is off for the
tenant or the user, and `504 5.7.30 Basic authentication is not supported for Client Submission`
where it was never on: an app password does not help there, OAuth does. Google answers
`534 5.7.9 Application-specific password required`, `534 5.7.14 … log in with your web browser`,
or `535 5.7.8 Username and Password not accepted`.
"""

from __future__ import annotations

from ..config import PASSWORD_VARIABLE
from ..errors import SendError

MICROSOFT_OAUTH = (
    "Microsoft 365 has turned off password sign-in for SMTP here, and an app password will not help. Sign in with "
    "Microsoft instead: run `reportgen login microsoft`, then send with --smtp-auth oauth2 (or smtp_auth = "
    '"oauth2" in reportgen.toml). If IT has turned SMTP sign-in off altogether, send through Microsoft Graph with '
    "--via graph after `reportgen login microsoft --graph`; or write drafts with --eml DIR."
)
GOOGLE_OAUTH = (
    "Google does not take your normal password here. Either sign in with Google: run `reportgen login google`, "
    "then send with --smtp-auth oauth2; or make an app password (Google Account → Security → 2-Step Verification "
    f"→ App passwords) and give it in {PASSWORD_VARIABLE}."
)
PASSWORD = (
    f"Check the user and the password in {PASSWORD_VARIABLE}. Gmail and Microsoft 365 accounts with two-step "
    "verification need an app password (Google: Account → Security → App passwords; Microsoft 365: My Account → "
    "Security info → App password), not the normal one; where your provider turned password sign-in off, sign in "
    "with `reportgen login microsoft` or `reportgen login google` and send with --smtp-auth oauth2."
)
OAUTH_REFUSED = (
    "The access token was refused. Sign in again (`reportgen login microsoft` or `reportgen login google`) with "
    "the address you send from, or check what --oauth-token-command prints. For Microsoft 365, IT must also "
    "allow SMTP sign-in for your mailbox (Set-CASMailbox -SmtpClientAuthenticationDisabled $false) and consent to "
    "SMTP.Send for the app; if they will not, use --via graph."
)


def login_refused(host: str, user: str, code: int, text: str, oauth: bool) -> SendError:
    """The SendError for a refused sign-in: what the server said, and what to do about it."""
    problem = f"The SMTP server {host} refused the sign-in of {user} ({code} {' '.join(text.split())})."
    return SendError(problem, fix=advice(code, text, oauth))


def advice(code: int, text: str, oauth: bool) -> str:
    """What to do, chosen by the server's code and its enhanced status code."""
    said = text.lower()
    if oauth:
        return OAUTH_REFUSED
    if "5.7.30" in said or ("5.7.139" in said and "credentials were incorrect" not in said):
        return MICROSOFT_OAUTH
    if code == 534 or "5.7.9" in said or "5.7.14" in said or ("5.7.8" in said and "gsmtp" in said):
        return GOOGLE_OAUTH
    return PASSWORD
