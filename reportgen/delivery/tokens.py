"""Where a sign-in's refresh token is kept: the system's keyring, or else a file only its owner can read.

The keyring (Windows Credential Manager, macOS Keychain, the Secret Service on Linux) is used
when the keyring library finds one. Where there is none (a server, a container, CI), the
record goes to a JSON file under the user's data folder (platformdirs), created with mode
0600 in a 0700 folder and replaced atomically. REPORTGEN_TOKEN_STORE=file or keyring chooses;
REPORTGEN_TOKEN_DIR names the file's folder (tests, IT's own layout).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from ..errors import SendError

SERVICE = "reportgen"
STORE_VARIABLE = "REPORTGEN_TOKEN_STORE"
DIR_VARIABLE = "REPORTGEN_TOKEN_DIR"


class TokenStore:
    """Load and save one record per provider ("microsoft", "google")."""

    def __init__(self, kind: str | None = None, folder: Path | None = None) -> None:
        kind = kind or os.environ.get(STORE_VARIABLE) or ("keyring" if _keyring_usable() else "file")
        if kind not in ("keyring", "file"):
            raise SendError(f"{STORE_VARIABLE}={kind} is not keyring or file.", fix="Set it to keyring or file.")
        self.kind = kind
        self.folder = folder or token_folder()

    def load(self, provider: str) -> dict[str, str] | None:
        """The stored record (the keyring's, else the file's), or None when there is none."""
        text = self._from_keyring(provider) if self.kind == "keyring" else None
        if text is None:
            try:
                text = self.path(provider).read_text(encoding="utf-8")
            except FileNotFoundError:
                return None
            except OSError as error:
                raise SendError(
                    f"The sign-in file cannot be read ({error.strerror}).",
                    fix="Check its owner and permissions.",
                    file=self.path(provider),
                ) from None
        try:
            record = json.loads(text)
        except ValueError:
            return None  # a damaged record is no sign-in: the facilitator signs in again
        return {str(key): str(value) for key, value in record.items()} if isinstance(record, dict) else None

    def save(self, provider: str, record: dict[str, str]) -> str:
        """Keep the record; the place it went, in words. A keyring that refuses it (too long, locked): the file."""
        text = json.dumps(record)
        refused = ""
        if self.kind == "keyring":
            import keyring
            from keyring.errors import KeyringError

            try:
                keyring.set_password(SERVICE, provider, text)
            except (KeyringError, OSError, ValueError) as error:  # Windows' vault takes 2,560 bytes at most
                refused = f"; the system keyring refused it ({error})"
                with contextlib.suppress(KeyringError, OSError, ValueError):
                    keyring.delete_password(SERVICE, provider)  # an older record there would be read first
            else:
                self.path(provider).unlink(missing_ok=True)  # an older file would only mislead
                return f"the system keyring ({type(keyring.get_keyring()).__name__}, service {SERVICE!r})"
        path = self.path(provider)
        _write_private(path, text.encode("utf-8"))
        return f"{path} (readable only by you{refused})"

    def _from_keyring(self, provider: str) -> str | None:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(SERVICE, provider)
        except KeyringError as error:
            raise SendError(f"The system keyring cannot be read ({error}).", fix=_KEYRING_FIX) from None

    def path(self, provider: str) -> Path:
        """The file of a provider's record, when kept in a file."""
        return self.folder / f"{provider}.json"


def token_folder() -> Path:
    """The folder of the token files: REPORTGEN_TOKEN_DIR, else the user's data folder for reportgen."""
    given = os.environ.get(DIR_VARIABLE)
    if given:
        return Path(given)
    from platformdirs import user_data_path

    return user_data_path("reportgen", appauthor=False) / "sign-in"


def _write_private(path: Path, data: bytes) -> None:
    """Write atomically, readable and writable only by the owner, in a folder only the owner can enter."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # created with mode 0600
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        Path(name).chmod(0o600)
        Path(name).replace(path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _keyring_usable() -> bool:
    """Whether the keyring library found a real keyring (not its "fail" or a chain of none)."""
    import keyring
    from keyring.backends import chainer, fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)


_KEYRING_FIX = f"Unlock it, or keep the sign-in in a file instead: set {STORE_VARIABLE}=file and sign in again."
