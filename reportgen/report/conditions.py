"""The truth conditions of the content files: what must hold of a leader for a sentence to be said.

A condition is data in the content file (`when = "F5 <= 2"`), a conjunction of clauses:

    CODE OP N            the leader's own answer to statement CODE, on its own scale (never turned);
                         an unanswered statement makes the clause false. OP is one of < <= = >= >.
    band = ID            the step's band (band = strong); several: band = on_the_way|strong
    importance given     the leader rated the step's importance
    importance OP N      ... and the rating compares so

Clauses are joined with " and ". The view shows a sentence only where its condition holds;
the tests check every shown sentence's condition with an evaluator of their own.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

OPERATORS: dict[str, Callable[[int, int], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
    "=": operator.eq,
}
_ANSWER = re.compile(r"^([A-Z]+[0-9]+) *(<=|>=|<|>|=) *([0-9]+)$")
_BAND = re.compile(r"^band *= *([a-z_|]+)$")
_IMPORTANCE = re.compile(r"^importance *(<=|>=|<|>|=) *([0-9]+)$")


class ConditionError(ValueError):
    """A condition in a content file that the grammar above does not read."""


@dataclass(frozen=True)
class Facts:
    """What a condition is tested against: the leader's raw answers, and the step's band and importance."""

    answers: Mapping[str, int | None]
    band_id: str | None = None
    importance: int | None = None


def holds(condition: str, facts: Facts) -> bool:
    """Whether every clause of the condition holds for these facts ("" always holds)."""
    return all(_clause(clause.strip(), facts) for clause in condition.split(" and ") if clause.strip())


def statements(condition: str) -> tuple[str, ...]:
    """The statement codes a condition names, in order ("P3 <= 3 and P1 >= 4" → P3, P1)."""
    return tuple(m.group(1) for clause in condition.split(" and ") if (m := _ANSWER.match(clause.strip())))


def check(condition: str) -> None:
    """Raise ConditionError when a clause is not in the grammar (the content check calls it)."""
    for clause in condition.split(" and "):
        clause = clause.strip()
        if clause and not (
            _ANSWER.match(clause) or _BAND.match(clause) or _IMPORTANCE.match(clause) or clause == "importance given"
        ):
            raise ConditionError(f"the condition {condition!r} has a clause it cannot read: {clause!r}")


def _clause(clause: str, facts: Facts) -> bool:
    if match := _ANSWER.match(clause):
        answer = facts.answers.get(match.group(1))
        return answer is not None and OPERATORS[match.group(2)](answer, int(match.group(3)))
    if match := _BAND.match(clause):
        return facts.band_id in match.group(1).split("|")
    if clause == "importance given":
        return facts.importance is not None
    if match := _IMPORTANCE.match(clause):
        return facts.importance is not None and OPERATORS[match.group(1)](facts.importance, int(match.group(2)))
    raise ConditionError(f"a clause it cannot read: {clause!r}")


def unreadable(content: Mapping[str, object], where: str = "") -> list[str]:
    """Every `when` in a content file (merged or a brand's own) that the grammar does not read, with its key."""
    found: list[str] = []
    for key, value in content.items():
        path = f"{where}.{key}" if where else str(key)
        if key == "when" and isinstance(value, str):
            try:
                check(value)
            except ConditionError as error:
                found.append(f"{path}: {error}")
        elif isinstance(value, Mapping):
            found += unreadable(value, path)
        elif isinstance(value, list):
            for index, entry in enumerate(value):
                if isinstance(entry, Mapping):
                    found += unreadable(entry, f"{path}[{index}]")
    return found
