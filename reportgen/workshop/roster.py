"""Invited against answered: who has not answered, and who answered without being invited (and whom they may be)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..models import email_key
from .invited import Invited

CUTOFF = 0.6  # how alike two addresses must be, letter by letter (difflib's ratio), to be named as a typo


@dataclass(frozen=True)
class Answer:
    """One answer of the export: its row, the name and e-mail it gives."""

    row: int
    name: str
    email: str


@dataclass(frozen=True)
class Stranger:
    """An answer from an address not on the invited list, with the invited address closest to it."""

    answer: Answer
    closest: Invited | None  # a typo in the address is the usual cause


@dataclass(frozen=True)
class Roster:
    """The two lists a facilitator needs before the workshop."""

    not_answered: tuple[Invited, ...]
    not_invited: tuple[Stranger, ...]
    unaddressed: tuple[Answer, ...] = ()  # answers without an e-mail address (invalid rows)

    def probably(self, leader: Invited) -> Answer | None:
        """An answer that is likely this leader's: the closest to their address (a typo), or theirs by name alone."""
        for stranger in self.not_invited:
            if stranger.closest is not None and email_key(stranger.closest.email) == email_key(leader.email):
                return stranger.answer
        return next((answer for answer in self.unaddressed if _name(answer.name) == _name(leader.name)), None)


def compare(invited: Iterable[Invited], answers: Iterable[Answer]) -> Roster:
    """Each invited leader without an answer, and each answer (with an address) of no invited leader."""
    leaders = list(invited)
    given = list(answers)
    unaddressed = tuple(answer for answer in given if not answer.email.strip() and answer.name.strip())
    answers = [answer for answer in given if answer.email.strip()]
    answered = {email_key(answer.email) for answer in answers}
    by_key = {email_key(leader.email): leader for leader in leaders}
    not_answered = tuple(leader for leader in leaders if email_key(leader.email) not in answered)
    strangers: list[Stranger] = []
    seen: set[str] = set()
    for answer in answers:
        key = email_key(answer.email)
        if key in by_key or key in seen:
            continue
        seen.add(key)
        strangers.append(Stranger(answer, _closest(answer, not_answered) or _closest(answer, leaders)))
    return Roster(not_answered, tuple(strangers), unaddressed)


def _closest(answer: Answer, leaders: Sequence[Invited]) -> Invited | None:
    """The invited leader whose address is like the answer's (a typo), the name deciding between look-alikes.

    hanne@example.dk is nearer to anne@example.dk than anne@exampel.dk is, letter by letter; the
    name given with the answer says which of them it is.
    """
    key = email_key(answer.email)
    scored = []
    for leader in leaders:
        address = SequenceMatcher(None, key, email_key(leader.email)).ratio()
        if address >= CUTOFF:
            name = SequenceMatcher(None, _name(answer.name), _name(leader.name)).ratio()
            scored.append((address + name, leader))
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def _name(text: str) -> str:
    return " ".join(text.split()).casefold()
