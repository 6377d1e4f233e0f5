"""login: sign in once with Microsoft 365 or Google and keep the refresh token, so that send needs no password."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..config import load_config
from ..delivery.oauth import App
from ..delivery.oauth import login as sign_in
from ..errors import SendError


def login(
    provider: str,
    given: dict[str, str | None],
    config: Path | None,
    graph: bool,
    tell: Callable[[str], None],
) -> str:
    """Sign in with the app registration from the options or reportgen.toml; where the sign-in is kept."""
    if graph and provider != "microsoft":
        raise SendError("--graph is for Microsoft 365 (Microsoft Graph).", fix=f"Run: reportgen login {provider}")
    table = load_config(config or Path("reportgen.toml"), required=config is not None)

    def setting(key: str, default: str = "") -> str:
        return str(given.get(key) or table.get(f"{provider}_{key}") or default)

    app = App(provider, setting("client_id"), setting("tenant", "organizations"), setting("client_secret"))
    return sign_in(app, "graph" if graph else "smtp", tell)
