"""Invited against answered: who has not answered, and who answered without being invited (and whom they may be)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches

from ..models import email_key
from .invited import Invited


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

    def probably(self, leader: Invited) -> Answer | None:
        """The uninvited answer whose closest invited address is this leader's: likely theirs, with a typo."""
        for stranger in self.not_invited:
            if stranger.closest is not None and email_key(stranger.closest.email) == email_key(leader.email):
                return stranger.answer
        return None


def compare(invited: Iterable[Invited], answers: Iterable[Answer]) -> Roster:
    """Each invited leader without an answer, and each answer (with an address) of no invited leader."""
    leaders = list(invited)
    answers = [answer for answer in answers if answer.email.strip()]
    answered = {email_key(answer.email) for answer in answers}
    by_key = {email_key(leader.email): leader for leader in leaders}
    not_answered = tuple(leader for leader in leaders if email_key(leader.email) not in answered)
    waiting = [email_key(leader.email) for leader in not_answered] or list(by_key)
    strangers: list[Stranger] = []
    seen: set[str] = set()
    for answer in answers:
        key = email_key(answer.email)
        if key in by_key or key in seen:
            continue
        seen.add(key)
        close = get_close_matches(key, waiting, n=1, cutoff=0.6) or get_close_matches(
            key, list(by_key), n=1, cutoff=0.6
        )
        strangers.append(Stranger(answer, by_key[close[0]] if close else None))
    return Roster(not_answered, tuple(strangers))
