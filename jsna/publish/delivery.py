"""Sending alert and failure messages: email over SMTP (smtplib) and webhooks (a JSON POST with a `text`
field, which Microsoft Teams and Slack incoming webhooks accept). Recipients are email addresses or http(s)
URLs. Standard library only, so that it works offline against the organisation's own relay; the refresh flow
calls it from a Prefect task with retries."""

from __future__ import annotations

import json
import smtplib
import urllib.request
from email.message import EmailMessage

from jsna.config import Notify, Settings


def split(recipients: list[str]) -> tuple[list[str], list[str]]:
    """(email addresses, webhook URLs)."""
    hooks = [r for r in recipients if r.startswith(("http://", "https://"))]
    return [r for r in recipients if r not in hooks], hooks


def send_email(notify: Notify, settings: Settings, to: list[str], subject: str, text: str) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = notify.sender, ", ".join(to), subject
    msg.set_content(text)
    with smtplib.SMTP(notify.smtp_host, notify.smtp_port, timeout=30) as smtp:
        if notify.starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(msg)


def post_webhook(url: str, text: str) -> None:
    body = json.dumps({"text": text}).encode()
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:  # http(s) only: checked in jsna.config
        if resp.status >= 300:
            raise OSError(f"webhook answered {resp.status}")


def channels(recipients: list[str]) -> list[list[str]]:
    """What one message goes out on: every email address together, then each webhook on its own (each is
    sent, and retried, apart)."""
    emails, hooks = split(recipients)
    return ([emails] if emails else []) + [[h] for h in hooks]


def deliver(notify: Notify, settings: Settings, channel: list[str], subject: str, text: str) -> None:
    """Send one message on one channel (`channels`): an email to its addresses, or a POST to its webhook."""
    emails, hooks = split(channel)
    if emails:
        send_email(notify, settings, emails, subject, text)
    for url in hooks:
        post_webhook(url, text)
