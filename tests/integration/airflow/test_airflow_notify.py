"""Failure notifications reach a (local) Slack webhook and an SMTP server, else the log."""

from __future__ import annotations

import json
import logging
import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace
from typing import Any

import pytest

from spoon.orchestrate import notify
from spoon.settings import load_settings


@pytest.fixture()
def slack() -> Iterator[SimpleNamespace]:
    """A webhook on 127.0.0.1 recording each JSON body; answers `status` (200 by default)."""
    state = SimpleNamespace(bodies=[], status=200, url="")

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            state.bodies.append(json.loads(self.rfile.read(length)))
            self.send_response(state.status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/services/T000/B000/XXX"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture()
def smtp() -> Iterator[SimpleNamespace]:
    """A minimal SMTP server on 127.0.0.1 (no TLS) keeping each message it accepts."""
    state = SimpleNamespace(messages=[], port=0)

    class Session(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        def handle(self) -> None:
            self.reply("220 fake ESMTP")
            while raw := self.rfile.readline():
                verb = raw.decode().strip().split(" ")[0].upper()
                if verb == "EHLO":
                    self.reply("250 fake")
                elif verb == "DATA":
                    self.reply("354 go ahead")
                    lines = []
                    while (line := self.rfile.readline()) not in (b".\r\n", b""):
                        lines.append(line)
                    state.messages.append(message_from_bytes(b"".join(lines)))
                    self.reply("250 queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("250 ok")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def context(**extra: Any) -> dict[str, Any]:
    ti = SimpleNamespace(
        dag_id="shopify_daily",
        task_id="load",
        run_id="scheduled__2026-01-02T10:30:00+00:00",
        try_number=4,
        log_url="http://127.0.0.1:8080/dags/shopify_daily/runs/x/tasks/load",
    )
    return {"ti": ti, "exception": RuntimeError("3 files quarantined\nmore detail"), **extra}


def test_message_names_the_task_the_run_and_the_error() -> None:
    subject, body = notify.failure_message(context())
    assert (
        subject == "[spoon] shopify_daily: task load failed (scheduled__2026-01-02T10:30:00+00:00)"
    )
    assert "error: 3 files quarantined" in body and "more detail" not in body
    assert "try: 4" in body and "log: http://127.0.0.1:8080/" in body


def test_slack_webhook_gets_the_message(slack: SimpleNamespace) -> None:
    settings = load_settings(alert_slack_webhook_url=slack.url)
    assert notify.notify("subject", "body text", settings) == ["slack"]
    assert slack.bodies == [{"text": "body text"}]


def test_email_is_sent_through_smtp(smtp: SimpleNamespace) -> None:
    settings = load_settings(
        alert_email_to="owner@example.com, ops@example.com",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_starttls=False,
        smtp_from="spoon@example.com",
    )
    assert notify.notify("the subject", "the body", settings) == ["email"]
    (msg,) = smtp.messages
    assert msg["Subject"] == "the subject"
    assert msg["To"] == "owner@example.com, ops@example.com"
    assert msg.get_payload().strip() == "the body"


def test_both_channels(slack: SimpleNamespace, smtp: SimpleNamespace) -> None:
    settings = load_settings(
        alert_slack_webhook_url=slack.url,
        alert_email_to="owner@example.com",
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_starttls=False,
    )
    assert notify.notify("s", "b", settings) == ["slack", "email"]


def test_no_channel_logs_the_failure(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger=notify.__name__):
        assert notify.notify("s", "line one\nline two", load_settings()) == ["log"]
    assert "line one | line two" in caplog.text


def test_broken_webhook_falls_back_to_the_log(
    slack: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    slack.status = 500
    settings = load_settings(alert_slack_webhook_url=slack.url)
    with caplog.at_level(logging.ERROR, logger=notify.__name__):
        assert notify.notify("s", "the body", settings) == ["log"]
    assert "could not notify Slack" in caplog.text and "the body" in caplog.text


def test_task_callback_reads_settings_from_env(
    slack: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPOON_ALERT_SLACK_WEBHOOK_URL", slack.url)
    notify.task_failed(context())
    (body,) = slack.bodies
    assert body["text"].startswith("[spoon] shopify_daily: task load failed")


def test_callback_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOON_SCHEDULE_TIME", "25:99")  # settings cannot even load
    notify.task_failed(context())


def test_run_callback_skips_task_failures_which_already_notified(
    slack: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPOON_ALERT_SLACK_WEBHOOK_URL", slack.url)
    run = SimpleNamespace(dag_id="shopify_daily", run_id="manual__1")
    notify.run_failed({"dag_run": run, "reason": "task_failure"})
    assert slack.bodies == []
    notify.run_failed({"dag_run": run, "reason": "timed_out"})
    (body,) = slack.bodies
    assert body["text"].startswith("[spoon] shopify_daily: run failed (manual__1)")
    assert "error: timed_out" in body["text"]
