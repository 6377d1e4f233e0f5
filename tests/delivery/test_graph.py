"""Sending and drafts through Microsoft Graph, against a real HTTP server on 127.0.0.1 that plays Graph.

The server answers as Graph documents it: POST /v1.0/me/sendMail with base64 MIME
(Content-Type text/plain) → 202 Accepted, empty; POST /v1.0/me/messages → 201 Created with
the draft as JSON (isDraft true); a bad token → 401 with Graph's error JSON; throttling → 429
with Retry-After. Real HTTP, the real client code; only the identity provider is replaced,
through its one interface or --oauth-token-command.
"""

from __future__ import annotations

import base64
import shutil
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from reportgen.delivery.log import DELIVERY
from reportgen.pipeline.send import SendRequest, send

from ..conftest import invoke
from . import test_send as mail
from .loopback import JsonHandler
from .test_send import SENDER, attachment

built, reports = mail.built, mail.reports
TOKEN = "eyJ0eXAi.graph-token"  # noqa: S105 (a test token)
LEADER_EMAILS = ["aase@example.dk", "lars@example.com", "soren@example.dk"]


@dataclass
class Graph:
    """What the pretend Graph received, and the faults it plays on cue."""

    sent: list[EmailMessage] = field(default_factory=list)
    drafts: list[EmailMessage] = field(default_factory=list)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (path, Authorization, Content-Type)
    answers: list[int] = field(default_factory=list)  # statuses to answer with first, one per request
    drop: int = 0  # close this many requests' connections after reading them, with no answer
    url: str = ""


def handler(graph: Graph) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            graph.requests.append((self.path, self.headers["Authorization"], self.headers["Content-Type"]))
            if graph.drop:
                graph.drop -= 1
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if self.headers["Authorization"] != f"Bearer {TOKEN}":
                return self.answer(401, {"error": {"code": "InvalidAuthenticationToken", "message": "expired"}})
            if graph.answers:
                status = graph.answers.pop(0)
                return self.answer(status, {"error": {"code": "ApplicationThrottled", "message": "slow down"}})
            if self.headers["Content-Type"] != "text/plain":
                return self.answer(400, {"error": {"code": "RequestBodyRead", "message": "not MIME"}})
            message = BytesParser(policy=policy.default).parsebytes(base64.b64decode(body, validate=True))
            if self.path == "/v1.0/me/sendMail":
                graph.sent.append(message)  # type: ignore[arg-type]
                return self.answer(202, None)
            if self.path == "/v1.0/me/messages":
                graph.drafts.append(message)  # type: ignore[arg-type]
                return self.answer(201, {"id": f"AAMkAD{len(graph.drafts)}", "isDraft": True})
            return self.answer(404, {"error": {"code": "ResourceNotFound", "message": self.path}})

        def answer(self, status: int, payload: object, headers: Iterable[tuple[str, str]] = ()) -> None:
            super().answer(status, payload, [("Retry-After", "1")] if status == 429 else headers)

    return Handler


@pytest.fixture
def graph() -> Iterator[Graph]:
    state = Graph()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1.0"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def token_command(token: str = TOKEN) -> str:
    return f"{sys.executable} -c \"print('{token}')\""


def graph_send(folder: Path, graph: Graph, *options: str) -> Any:
    args = ["send", str(folder), "--from", SENDER, "--via", "graph", "--graph-url", graph.url, "--rate", "600"]
    return invoke([*args, "--oauth-token-command", token_command(), *options])


def test_graph_sends_each_leader_their_own_report_once_as_mime(reports: Path, graph: Graph) -> None:
    result = graph_send(reports, graph, "--send")
    assert result.exit_code == 0, result.output
    assert sorted(str(message["To"]).split("<")[-1].rstrip(">") for message in graph.sent) == LEADER_EMAILS
    assert {request[1:] for request in graph.requests} == {(f"Bearer {TOKEN}", "text/plain")}
    log = (reports / DELIVERY).read_text(encoding="utf-8")
    for message in graph.sent:
        name, pdf = attachment(message)
        assert pdf == (reports / name).read_bytes()
        assert str(message["Message-ID"]) in log
    assert log.count(";sent;") == 3 and "202 Accepted (Microsoft Graph)" in log  # a Danish build: ";"
    again = graph_send(reports, graph, "--send")
    assert again.exit_code == 0 and len(graph.sent) == 3 and "already sent" in again.output


def test_drafts_go_to_the_mailbox_and_nothing_is_sent(reports: Path, graph: Graph) -> None:
    result = graph_send(reports, graph, "--drafts-to-mailbox")
    assert result.exit_code == 0, result.output
    assert not graph.sent and len(graph.drafts) == 3
    assert {request[0] for request in graph.requests} == {"/v1.0/me/messages"}
    assert "3 drafts in your mailbox's Drafts folder, nothing sent" in result.output
    for message in graph.drafts:
        assert attachment(message)[1] == (reports / attachment(message)[0]).read_bytes()


def test_mailbox_drafts_are_recorded_and_sent_later_only_when_asked(reports: Path, graph: Graph) -> None:
    assert graph_send(reports, graph, "--drafts-to-mailbox").exit_code == 0
    assert (reports / "delivery.csv").read_text(encoding="utf-8").count(";draft;") == 3
    held = graph_send(reports, graph, "--send")
    assert held.exit_code == 0 and not graph.sent, held.output
    assert "3 drafted earlier and held back" in held.output
    sent = graph_send(reports, graph, "--send", "--include-drafted")
    assert sent.exit_code == 0 and len(graph.sent) == 3, sent.output


def test_drafts_to_mailbox_needs_graph(reports: Path) -> None:
    result = invoke(["send", str(reports), "--from", SENDER, "--drafts-to-mailbox"])
    assert result.exit_code == 2 and "--via graph" in result.output and "Traceback" not in result.output


def test_a_refused_token_stops_the_run_and_a_rerun_finishes(reports: Path, graph: Graph) -> None:
    args = ["send", str(reports), "--from", SENDER, "--via", "graph", "--graph-url", graph.url, "--rate", "600"]
    refused = invoke([*args, "--oauth-token-command", token_command("expired"), "--send"])
    assert refused.exit_code == 1, refused.output
    assert "401 InvalidAuthenticationToken" in refused.output and "reportgen login microsoft --graph" in refused.output
    assert not graph.sent and len(graph.requests) == 1  # stopped at the first refusal, no retries
    finished = graph_send(reports, graph, "--send")
    assert finished.exit_code == 0 and len(graph.sent) == 3, finished.output


def test_throttling_is_retried_and_each_sent_once(reports: Path, graph: Graph) -> None:
    graph.answers = [429, 503]
    result = graph_send(reports, graph, "--send")
    assert result.exit_code == 0, result.output
    assert len(graph.sent) == 3 and len(graph.requests) == 5


def test_a_lost_answer_is_unknown_and_never_sent_again_unasked(reports: Path, graph: Graph) -> None:
    graph.drop = 1
    first = graph_send(reports, graph, "--send")
    assert first.exit_code == 1 and "unknown" in first.output, first.output
    assert len(graph.sent) == 2
    again = graph_send(reports, graph, "--send")
    assert len(graph.sent) == 2 and "unknown" in again.output


class FixedIdentity:
    """The one interface, as the test gives it."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def token(self, purpose: str) -> str:
        self.asked.append(purpose)
        return TOKEN


def test_only_the_identity_provider_is_replaced(reports: Path, graph: Graph, tmp_path: Path) -> None:
    given = {"sender": SENDER, "via": "graph", "graph_url": graph.url, "rate": 600}
    identity = FixedIdentity()
    summary = send(SendRequest(reports, "send", given=given, identity=identity)).summary
    assert len(summary.sent) == 3 and len(graph.sent) == 3 and set(identity.asked) == {"graph"}
    copy = Path(shutil.copytree(mail_folder(reports), tmp_path / "again"))
    drafts = send(SendRequest(copy, "mailbox", given=given, identity=FixedIdentity())).summary
    assert len(drafts.drafts) == 3 and len(graph.drafts) == 3


def mail_folder(folder: Path) -> Path:
    """The built folder as it was before this test sent from it (no delivery.csv)."""
    fresh = folder.parent / "fresh"
    shutil.copytree(folder, fresh)
    (fresh / DELIVERY).unlink()
    return fresh


def test_plain_http_is_refused_for_a_remote_graph(reports: Path) -> None:
    args = ["send", str(reports), "--from", SENDER, "--via", "graph", "--graph-url", "http://192.0.2.1/v1.0"]
    result = invoke([*args, "--oauth-token-command", token_command(), "--send"])
    assert result.exit_code == 2 and "not encrypted" in result.output
