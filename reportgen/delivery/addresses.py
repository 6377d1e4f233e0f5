"""E-mail addresses as SMTP needs them: checked, domains in IDNA; the only email_validator importer."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email


class AddressError(ValueError):
    """The text is not an e-mail address that can be sent to; the message says why."""


@dataclass(frozen=True)
class Address:
    """One checked address: what goes on the envelope and in the header, and whether SMTPUTF8 is needed."""

    text: str  # as given
    envelope: str  # the domain in IDNA (bo@xn--bger-gra.dk); as given when the local part is not ASCII
    smtputf8: bool  # letters beyond ASCII before the @: only a server that offers SMTPUTF8 takes it

    @property
    def domain(self) -> str:
        """The part after the @, in IDNA where it can be."""
        return self.envelope.rpartition("@")[2]


def parse_address(text: str) -> Address:
    """The address checked (syntax only, no DNS look-up), or AddressError saying what is wrong with it."""
    try:
        checked = validate_email(text.strip(), check_deliverability=False, globally_deliverable=False)
    except EmailNotValidError as error:
        raise AddressError(str(error)) from None
    if checked.smtputf8:
        return Address(text, checked.normalized, smtputf8=True)
    assert checked.ascii_email is not None  # set whenever the local part is ASCII
    return Address(text, checked.ascii_email, smtputf8=False)
