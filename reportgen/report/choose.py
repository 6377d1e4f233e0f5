"""Sentences chosen by their truth conditions: a step's notes and actions, the answers line, "your three things".

Every sentence leaves here as a `Said`: its text and the condition (from the content file, or
the band or comparison that chose it) that makes it true, so the tests can check it again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from .conditions import Facts, holds, statements
from .content import Content
from .model import ItemView, Said, StepView

MOST_ACTIONS = 3  # next steps shown per step
LISTED = 2  # statements named in full in "your three things"; more are counted


def audience(written: str, content: Content) -> str:
    """The audience a leader's column or the brand names ("Borgere", "citizens" → "borgere"); "" for the default."""
    word = written.strip().casefold()
    found = (
        key for key, table in content.get("audiences", {}).items() if word in table.get("names", ()) or word == key
    )
    return next(found, "")


def step_texts(content: Content, step_id: str, audience: str) -> Mapping[str, Any] | None:
    """The content file's texts for a step: the audience's own version where it has one (borgere)."""
    variant: Mapping[str, Any] | None = content.get("audiences", {}).get(audience, {}).get(step_id)
    default: Mapping[str, Any] | None = content.get("steps", {}).get(step_id)
    return variant if variant is not None else default


def notes(table: Mapping[str, Any] | None, facts: Facts, step_id: str) -> tuple[Said, ...]:
    """The step's sentences about single statements whose conditions hold."""
    chosen = (entry for entry in (table or {}).get("notes", ()) if holds(str(entry["when"]), facts))
    return tuple(Said(str(entry["text"]), str(entry["when"]), step_id) for entry in chosen)


def actions(table: Mapping[str, Any] | None, facts: Facts, items: Sequence[ItemView], step_id: str) -> tuple[Said, ...]:
    """Up to three next steps whose conditions hold, those about the step's lowest statements first."""
    share = {item.code: item.share for item in items if item.share is not None}
    held = [entry for entry in (table or {}).get("actions", ()) if holds(str(entry["when"]), facts)]

    def lowest(entry: Mapping[str, Any]) -> float:
        return min((share.get(code, 1.0) for code in statements(str(entry["when"]))), default=1.0)

    ranked = sorted(held, key=lowest)  # stable: the file's order among equals
    return tuple(Said(str(entry["text"]), str(entry["when"]), step_id) for entry in ranked[:MOST_ACTIONS])


def quoted(item: ItemView, content: Content) -> str:
    """A statement and the leader's answer, as the answers texts quote it."""
    key = "item_reverse" if item.reverse else "item"
    return str(content["answers"][key]).format(text=item.text.rstrip("."), answer=item.answer_label)


def joined(names: Sequence[str], content: Content) -> str:
    """Names joined as running text: A; A og B; A, B og C."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " " + str(content["labels"]["and"]) + " " + names[-1]


def word(count: int, content: Content) -> str:
    """A count as running text writes it: words under ten."""
    words = content["labels"]["count_words"]
    return str(words[count]) if count < min(10, len(words)) else str(count)


def answers_line(items: Sequence[ItemView], scored: bool, content: Content, step_id: str) -> Said | None:
    """The sentence about the step's answers: every statement tied for the fewest points, or that all are full."""
    answered = [item for item in items if item.share is not None]
    if not scored or not answered:
        return None
    texts = content["answers"]
    low = min(item.share or 0.0 for item in answered)
    lowest = [item for item in answered if item.share == low]
    codes = ",".join(item.code for item in lowest)
    if low == 1:
        return Said(str(texts["all_top"]), f"lowest {codes}", step_id)
    if len(lowest) == len(answered) > 1 and len({item.answer for item in answered}) == 1:
        key = "all_same" if len(answered) == len(items) else "all_same_some"
        text = str(texts[key]).format(answer=answered[0].answer_label, answered=word(len(answered), content))
        return Said(text, f"lowest {codes}", step_id)
    if len(lowest) == 1:
        return Said(str(texts["lowest"]).format(item=quoted(lowest[0], content)), f"lowest {codes}", step_id)
    if len(lowest) > 2:  # three or more long statements: counted here and marked in the table
        text = str(texts["lowest_marked"]).format(count=word(len(lowest), content))
        return Said(text, f"lowest {codes} marked", step_id)
    text = str(texts["lowest_many"]).format(
        count=word(len(lowest), content), items=joined([quoted(item, content) for item in lowest], content)
    )
    return Said(text, f"lowest {codes}", step_id)


def marked(items: Sequence[ItemView], said: Said | None) -> tuple[ItemView, ...]:
    """The items with the step's lowest marked, where the answers line counts them instead of quoting them."""
    if said is None or not said.when.endswith(" marked"):
        return tuple(items)
    codes = said.when.removeprefix("lowest ").removesuffix(" marked").split(",")
    return tuple(replace(item, lowest=item.code in codes) for item in items)


def straight(steps: Sequence[StepView]) -> int | None:
    """The one answer a leader gave to every statement answered (at least two), or None."""
    answers = {item.answer for step in steps for item in step.items if item.answer is not None}
    count = sum(item.answer is not None for step in steps for item in step.items)
    return next(iter(answers)) if len(answers) == 1 and count > 1 else None


def three_things(
    steps: Sequence[StepView], order: Sequence[StepView], tied: Sequence[StepView], content: Content
) -> tuple[Said, ...]:
    """The box after the cover: strongest and weakest statements, where to start and why; or the straight line."""
    texts = content["three"]
    items = [item for step in steps for item in step.items if item.share is not None]
    if not items:
        return (Said(str(texts["none"]), "no answers", None),)
    lines = []
    value = straight(steps)
    if value is not None:
        label = next(item.answer_label for item in items)
        every = len(items) == sum(len(step.items) for step in steps)
        text = str(texts["straight_all" if every else "straight"]).format(
            answer=label, answered=word(len(items), content)
        )
        lines.append(Said(text, f"straight {value}", None))
    else:
        for which, pick in (("strongest", max), ("weakest", min)):
            share = pick(item.share or 0.0 for item in items)
            group = [item for item in items if item.share == share]
            codes = ",".join(item.code for item in group)
            if len(group) <= LISTED:
                text = str(texts[which]).format(items=joined([quoted(i, content) for i in group], content))
            else:
                text = str(texts[f"{which}_many"]).format(
                    count=word(len(group), content), item=quoted(group[0], content)
                )
            lines.append(Said(text, f"{which} {codes}", None))
    if len(tied) > 1:
        lines.append(Said(str(texts["tie"]).format(steps=joined([s.title for s in tied], content)), "tie", None))
    elif order:
        first = order[0]
        text = str(texts["start"]).format(number=first.chapter, title=first.title, reason=first.reason)
        lines.append(Said(text, "first in order", first.id))
    return tuple(lines)
