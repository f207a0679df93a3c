"""Failure notifications: a Slack webhook, e-mail, or at least a log line.

`task_failed` and `run_failed` are Airflow callbacks (they take the task context); they
read the channels from the settings and never raise: a broken channel is logged and the
others are still tried.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

import httpx

from spoon.errors import first_line
from spoon.settings import Settings, load_settings

log = logging.getLogger(__name__)
TIMEOUT_S = 10.0


def failure_message(context: Mapping[str, Any]) -> tuple[str, str]:
    """(subject, body) for a failed task or run, from an Airflow context."""
    ti = context.get("ti") or context.get("task_instance")
    dag_run = context.get("dag_run")
    dag_id = getattr(ti, "dag_id", None) or getattr(dag_run, "dag_id", None) or "?"
    run_id = getattr(ti, "run_id", None) or getattr(dag_run, "run_id", None) or "?"
    task_id = getattr(ti, "task_id", None)
    what = f"task {task_id}" if task_id else "run"
    subject = f"[spoon] {dag_id}: {what} failed ({run_id})"
    lines = [subject]
    if task_id:
        lines.append(f"try: {getattr(ti, 'try_number', '?')}")
    error = context.get("exception") or context.get("reason")
    if error:
        lines.append(f"error: {first_line(error)}")
    url = getattr(ti, "log_url", None)
    if url:
        lines.append(f"log: {url}")
    return subject, "\n".join(lines)


def send_slack(webhook_url: str, text: str) -> None:
    response = httpx.post(webhook_url, json={"text": text}, timeout=TIMEOUT_S)
    response.raise_for_status()


def send_email(settings: Settings, subject: str, body: str) -> None:
    recipients = [a.strip() for a in settings.alert_email_to.split(",") if a.strip()]
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings.smtp_from
    msg["To"] = ", ".join(recipients)
    msg.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_S) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
        smtp.send_message(msg)


def notify(subject: str, body: str, settings: Settings | None = None) -> list[str]:
    """Send to every configured channel; return the channels that worked ('log' if none)."""
    s = settings or load_settings()
    sent: list[str] = []
    webhook = s.alert_slack_webhook_url.get_secret_value()
    if webhook:
        try:
            send_slack(webhook, body)
            sent.append("slack")
        except (httpx.HTTPError, OSError) as err:
            log.error("could not notify Slack: %s", err)
    if s.alert_email_to and s.smtp_host:
        try:
            send_email(s, subject, body)
            sent.append("email")
        except (smtplib.SMTPException, OSError) as err:
            log.error("could not send the failure e-mail: %s", err)
    elif s.alert_email_to:
        log.error("SPOON_ALERT_EMAIL_TO is set but SPOON_SMTP_HOST is empty: no e-mail sent")
    if not sent:
        log.error("%s", body.replace("\n", " | "))
        sent.append("log")
    return sent


def task_failed(context: Mapping[str, Any]) -> None:
    """on_failure_callback of every task: called once its retries are spent."""
    try:
        notify(*failure_message(context))
    except Exception:  # a callback must never mask the task's own failure
        log.exception("failure notification failed")


def run_failed(context: Mapping[str, Any]) -> None:
    """on_failure_callback of the DAG: notifies runs that failed for another reason than a
    task (a timeout, say); a failed task has already notified."""
    if context.get("reason") == "task_failure":
        return
    task_failed(context)
