"""Alerts after a refresh: the tasks that publish the statutory milestones, evaluate the [[alerts]] rules against
the published figures and send one message per alert opened or closed (and one when a refresh fails).

Messages go out through the standard library's smtplib and a JSON POST (jsna.publish.delivery) from Prefect tasks
with retries, rather than Prefect's notification blocks: those send through Apprise (email needs the
prefect-email collection besides) and are configured as blocks saved in a Prefect server, where these need
nothing but jsna.toml and the environment and work offline against the organisation's own relay.
"""

from __future__ import annotations

from prefect import get_run_logger, task

from jsna import pipeline
from jsna.config import JsnaConfig, get_settings
from jsna.publish import alerts, delivery
from jsna.rebuild import FULL, Scope
from jsna.warehouse.runs import Run


@task
def publish_milestones(run: Run, cfg: JsnaConfig, scope: Scope = FULL) -> int | None:
    return pipeline.publish_milestones(run, cfg, scope)


@task
def evaluate_alerts(run: Run, cfg: JsnaConfig) -> list[alerts.Change]:
    return alerts.evaluate(run.engine, cfg, run.run_id)


@task(retries=2, retry_delay_seconds=[2, 10], task_run_name="send: {subject}")
def send(cfg: JsnaConfig, channel: list[str], subject: str, text: str) -> None:
    delivery.deliver(cfg.notify, get_settings(), channel, subject, text)


def _send_all(cfg: JsnaConfig, messages: list[tuple[list[str], str, str]]) -> int:
    """Send each (recipients, subject, text) on its channels; a channel that still fails after its retries is
    logged (the refresh has committed: it does not fail for it). Returns the messages sent."""
    sent = 0
    for recipients, subject, text in messages:
        for channel in delivery.channels(recipients):
            try:
                send(cfg, channel, subject, text)
                sent += 1
            except Exception as exc:  # reported; the other messages still go
                get_run_logger().error("message '%s' not delivered to %s: %s", subject, ", ".join(channel), exc)
    return sent


def alert_round(run: Run, cfg: JsnaConfig) -> dict[str, int]:
    """Evaluate the rules after a refresh and tell each alert's recipients what opened and closed."""
    changes = evaluate_alerts(run, cfg)
    sent = _send_all(cfg, [(c.recipients, *alerts.message(c, cfg.notify.base_url)) for c in changes])
    return {"alerts_opened": sum(c.kind == "opened" for c in changes),
            "alerts_closed": sum(c.kind == "closed" for c in changes), "messages": sent}


def tell_failure(cfg: JsnaConfig, run: Run, error: BaseException) -> None:
    """Tell [notify] on_failure that the refresh failed (never raises: the refresh's own error goes on)."""
    if not cfg.notify.on_failure:
        return
    try:
        _send_all(cfg, [(cfg.notify.on_failure,
                         *alerts.failure_message(run.run_id, f"{type(error).__name__}: {error}", cfg.notify.base_url))])
    except Exception as exc:  # the refresh's own error goes on
        get_run_logger().error("the failure could not be told: %s", exc)
