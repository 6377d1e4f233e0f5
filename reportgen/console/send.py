"""send's lines: one per leader, the counts, the sample message; sign-in and doctor."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..delivery.log import DELIVERY
from .core import NORMAL, level

if TYPE_CHECKING:
    from ..delivery.letters import Letter
    from ..delivery.send import Summary
    from ..pipeline.doctor import Check
    from ..pipeline.send import SendResult


PARTS = {
    "answers": "the leader's answers",
    "language": "the report language",
    "previous": "the earlier scores",
    "instrument": "the questionnaire",
    "brand": "the brand",
    "templates": "the templates",
    "date": "the date",
    "workshop": "the workshop name",
    "paper": "the paper size",
    "version": "reportgen's version",
}


def change_reason(parts: tuple[str, ...] | None) -> str:
    """Why a PDF changed since it was sent, in words, from output.manifest.changes_since()."""
    if parts is None:
        return "it was rendered again; what changed is not known (it was sent before reportgen kept track)"
    if not parts:
        return "it was rendered again (--force) from the same answers, brand, templates and date"
    named = [PARTS.get(part, part) for part in parts]
    return ("changed: " + ", ".join(named[:-1]) + " and " + named[-1]) if len(named) > 1 else f"changed: {named[0]}"


def send_lines(
    result: SendResult, folder: Path, mode: str, eml_dir: Path | None = None, to_me: str | None = None
) -> list[str]:
    """What `send` did or would do (mode: "dry", "eml", "mailbox", "send"), one line per leader, then the counts."""
    summary, mail, wrote_log, sample, changes = (
        result.summary,
        result.mail,
        result.wrote_log,
        result.sample,
        result.changes,
    )
    lines = []
    if level() >= NORMAL:
        for letter in summary.planned:
            subject = mail.text(letter)[0]
            size = f"{letter.size / 1024:.0f} KB"
            lines.append(f"  would send to {to_me or letter.email:<32} {letter.pdf} ({size}): {subject}")
        lines += [f"  drafted  {letter.email:<32} {letter.pdf}" for letter in summary.drafts]
        lines += [f"  skipped  {letter.email:<32} {letter.reason}" for letter in summary.skipped]
    why = {row: f" ({change_reason(parts)})" for row, parts in (changes or {}).items()}
    lines += [
        f"  changed  {letter.email:<32} {letter.reason}{why.get(letter.source_row, '')} (--resend {letter.email})"
        for letter in summary.changed
    ]
    lines += [f"  marked   {letter.email:<32} {letter.reason}" for letter in summary.marked]
    lines += [f"  held     {letter.email:<32} {letter.reason}" for letter in summary.drafted]
    lines += [f"  failed   {letter.email:<32} {letter.reason}" for letter in summary.failed]
    lines += [
        f"  unknown  {letter.email:<32} {letter.reason}: check your Sent folder, then "
        f"--resend {letter.email} (it is not there) or --mark-sent {letter.email} (it is)"
        for letter in summary.unknown
    ]
    lines += [f"  not sent {letter.email:<32} left for the next run" for letter in summary.not_sent]
    if sample is not None and sample.headers and level() >= NORMAL:
        lines += ["", f"The first message, as it would go out ({len(summary.planned)} in all):"]
        lines += [f"  {key}: {value}" for key, value in sample.headers]
        lines += [f"  Attachment: {sample.attachment}", ""]
        lines += [f"  {line}".rstrip() for line in sample.body.rstrip().splitlines()]
        lines.append("")
    if summary.stopped:
        lines.append(f"Stopped: {summary.stopped}.")
    if summary.interrupted:
        lines.append("Interrupted: delivery.csv holds every message sent so far; run send again to finish.")
    counts = _send_counts(summary, mode, eml_dir, to_me)
    if wrote_log:
        counts += f"; log: {folder / DELIVERY}"
    lines.append(counts + ".")
    if mode == "dry":
        needs = ["--send"] + [_NEEDS.get(option, option) for option in (sample.missing if sample else ())]
        lines.append(f"For a real send, give {', '.join(needs[:-1]) + ' and ' if len(needs) > 1 else ''}{needs[-1]}.")
    return lines


def _send_counts(summary: Summary, mode: str, eml_dir: Path | None, to_me: str | None) -> str:
    """The closing count of a send run, by what it did."""
    rest = f"{len(summary.skipped)} already sent, {len(summary.changed)} changed, {len(summary.failed)} failed"
    if mode == "eml":
        counts = f"{len(summary.drafts)} drafts written to {eml_dir}, {rest}"
    elif mode == "mailbox":
        counts = f"{len(summary.drafts)} drafts in your mailbox's Drafts folder, nothing sent, {rest}"
    elif mode == "dry":
        counts = f"Dry run: {len(summary.planned)} to send, nothing sent, {rest}"
    elif to_me:
        tests = f"{len(summary.sent)} test message" + ("" if len(summary.sent) == 1 else "s")
        counts = f"{tests} sent to {to_me}, none to the leaders"
    elif not (
        summary.sent or summary.not_sent or summary.failed or summary.changed or summary.unknown or summary.drafted
    ):
        counts = f"0 to send: all {len(summary.skipped)} already sent"
    else:
        counts = f"{len(summary.sent)} sent, {rest}"
    if summary.unknown:
        counts += f", {len(summary.unknown)} unknown"
    if summary.marked:
        counts += f", {len(summary.marked)} marked as sent"
    if summary.drafted:
        counts += f", {len(summary.drafted)} drafted earlier and held back"
    if summary.not_sent:
        counts += f", {len(summary.not_sent)} not sent"
    return counts


_NEEDS = {
    "--from": "--from 'NAME <ADDRESS>' (or from in reportgen.toml's [send] table)",
    "--smtp-host": "--smtp-host (and --smtp-user) for your mail server",
}


def sent_line(letter: Letter) -> None:
    """One line as each message is accepted."""
    click.echo(f"  sent     {letter.email:<32} {letter.pdf}")


def signed_in(provider: str, where: str) -> None:
    """After `reportgen login`: where the sign-in is kept, and how to send with it."""
    way = "--via graph" if "graph" in where else "--smtp-auth oauth2"
    click.echo(f"Signed in with {provider.capitalize()}; the sign-in is kept in {where}.")
    click.echo(f"Send with it: reportgen send FOLDER {way} --send")


def doctor_lines(checks: list[Check]) -> list[str]:
    """`reportgen doctor`: one line per check, what to do under each problem, then the verdict."""
    lines = []
    for check in checks:
        if check.ok and level() < NORMAL:  # --quiet: the problems only
            continue
        lines.append(f"  {'ok' if check.ok else 'PROBLEM':<8} {check.name:<16} {check.found}")
        if check.fix:
            lines.append(f"  {'':<8} {'':<16} → {check.fix}")
    problems = sum(not check.ok for check in checks)
    lines.append("Ready." if not problems else f"{problems} problem{'s' if problems > 1 else ''}: see → above.")
    return lines


def test_line(letter: Letter) -> None:
    """One line as a --to-me test message is accepted: whose report went to the facilitator."""
    click.echo(f"  test → you ({letter.name}'s report)")
