"""Issue 17, points 1-3 end to end: the demo county refreshed through the real flow into a warehouse of its own
with alert rules whose recipients are a real local SMTP server (aiosmtpd) and a local HTTP receiver. Each new
breach sends one email and one webhook POST with the published figure; a second refresh with nothing changed
sends none; a breach that ends sends one message each; a failed refresh tells [notify] on_failure."""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from tests.conftest import throwaway_database, warehouse_env

pytestmark = [pytest.mark.db, pytest.mark.flow]

AREA = "X10000001"
SMALL = re.compile(r"(?<![\d.,:/-])[1-4](?![\d.,:/-])")  # a count of 1-4 standing alone


class Inbox:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str, str]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        msg = message_from_bytes(envelope.content)  # type: ignore[attr-defined]
        self.messages.append((list(envelope.rcpt_tos), str(msg["Subject"]),  # type: ignore[attr-defined]
                              msg.get_payload(decode=True).decode().strip()))
        return "250 OK"


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:  # aiosmtpd's controller cannot take port 0: find a free one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def hooks() -> Iterator[tuple[list[dict], int]]:
    posted: list[dict] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            posted.append({"path": self.path, **json.loads(self.rfile.read(int(self.headers["Content-Length"])))})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield posted, server.server_address[1]
    finally:
        server.shutdown()


def rules(smtp_port: int, hook_port: int, overdue_threshold: float) -> str:
    return f"""
[notify]
base_url = "http://jsna.example.org"
smtp_host = "127.0.0.1"
smtp_port = {smtp_port}
sender = "jsna@example.org"
on_failure = ["ops@example.org", "http://127.0.0.1:{hook_port}/ops"]

[[alerts]]
name = "final_plans_overdue"
milestone = "final_plan_20w"
threshold = {overdue_threshold}
direction = "above"
recipients = ["board@example.org", "send@example.org", "http://127.0.0.1:{hook_port}/board"]

[[alerts]]
name = "timeliness"
indicator = "ehcp_20_weeks"
threshold = "target"
direction = "below"
recipients = ["board@example.org", "http://127.0.0.1:{hook_port}/board"]

[[alerts]]
name = "never"
milestone = "decision_6w"
horizon = "next_28_days"
threshold = 1000000
direction = "above"
recipients = ["board@example.org"]
"""


def with_rules(demo_dir: Path, folder: Path, text: str) -> Path:
    """The demo county's files with the demo's own jsna.toml, its example rules replaced by `text`."""
    if not folder.exists():
        shutil.copytree(demo_dir, folder)
    config = folder / "jsna.toml"
    base = (demo_dir / "jsna.toml").read_text().split("[notify]")[0]
    config.write_text(base + text)
    return config


@pytest.fixture(scope="module")
def warehouse(server_url: str, prefect_harness: None) -> Iterator[sa.Engine]:
    from jsna.warehouse.engine import get_engine

    with throwaway_database(server_url) as url, warehouse_env(url):
        yield get_engine(url)


def published(engine: sa.Engine, sql: str, **params: object) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(sa.text(sql), conn, params=params)


def test_breaches_are_sent_once_unchanged_refreshes_send_nothing_and_ends_are_sent(
        warehouse: sa.Engine, demo_dir: Path, tmp_path_factory: pytest.TempPathFactory,
        smtp: tuple[Inbox, int], hooks: tuple[list[dict], int]) -> None:
    """Given rules on the overdue final plans (above 0), the 20-week timeliness (below its target) and one that
    cannot breach, when the demo county is refreshed, then one email (to both addresses) and one POST per breach
    arrive with the published figure and a link to the Alerts page; when it is refreshed again unchanged, nothing
    more arrives; when the overdue rule's threshold rises above the count (no rebuild), one email and one POST say it
    closed."""
    from flows.refresh import refresh

    inbox, smtp_port = smtp
    posted, hook_port = hooks
    folder = tmp_path_factory.mktemp("alerts") / "demo"
    config = with_rules(demo_dir, folder, rules(smtp_port, hook_port, 0))
    first = refresh(config=str(config))
    assert first["alerts_opened"] == 2 and first["alerts_closed"] == 0 and first["messages"] == 4

    # the published figures, read independently of the alert code
    overdue = published(warehouse, "SELECT children, as_at FROM published.milestones WHERE milestone = "
                        "'final_plan_20w' AND area_level = 'utla' AND area_code = :a AND horizon = 'overdue'", a=AREA)
    as_at = pd.Timestamp(overdue["as_at"].iloc[0])
    count = int(overdue["children"].iloc[0])
    # ... and the same count worked out from the case records by plain SQL (as the analyst role could)
    from_cases = published(warehouse, """
        SELECT count(*) AS n FROM core.ehcp_cases
        WHERE utla_code = :a AND request_date <= :d AND request_date + 140 < :d AND issue_date IS NULL
          AND ceased_date IS NULL AND coalesce(decision, '') NOT IN ('withdrawn', 'not_assess')
          AND coalesce(assessment_outcome, '') <> 'no_plan'""", a=AREA, d=as_at.date())
    assert count == int(from_cases["n"].iloc[0]) and count >= 5
    timeliness = published(warehouse, "SELECT period, value FROM published.indicator_values WHERE indicator_id = "
                           "'ehcp_20_weeks' AND area_code = :a AND breakdown = 'all' ORDER BY period DESC LIMIT 1",
                           a=AREA)
    value = float(timeliness["value"].iloc[0])
    assert value < 95

    assert len(inbox.messages) == 2 and len(posted) == 2
    mails = {subject: (to, text) for to, subject, text in inbox.messages}
    overdue_mail = mails["JSNA alert: Final EHC plans (20 weeks), Demoshire"]
    assert sorted(overdue_mail[0]) == ["board@example.org", "send@example.org"]
    assert f"Demoshire ({AREA}): {count:,} (children overdue, {as_at.date()}), above the threshold of 0." \
        in overdue_mail[1]
    assert overdue_mail[1].endswith("See http://jsna.example.org/alerts")
    timely_mail = next(text for subject, (to, text) in mails.items() if "alert 'timeliness'" in text.lower())
    assert f": {value:,.1f} (%, {timeliness['period'].iloc[0]}), below the threshold of 95." in timely_mail
    assert sorted(p["text"] for p in posted) == sorted(text for _, _, text in inbox.messages)
    assert {p["path"] for p in posted} == {"/board"}

    open_now = published(warehouse, "SELECT rule, status, value, threshold, since FROM published.alerts ORDER BY rule")
    assert list(open_now["rule"]) == ["final_plans_overdue", "timeliness"]
    assert list(open_now["status"]) == ["open", "open"] and list(open_now["value"]) == [count, value]

    second = refresh(config=str(config))
    assert second["unchanged_since"] == first["run_id"]
    assert second["alerts_opened"] == second["alerts_closed"] == second["messages"] == 0
    assert len(inbox.messages) == 2 and len(posted) == 2

    # the same files under a rule whose threshold is now above the count: nothing is rebuilt (alert rules are not
    # what the figures are built from), the rules are evaluated on what stands and the breach ends
    with_rules(demo_dir, folder, rules(smtp_port, hook_port, count + 1000))
    third = refresh(config=str(config))
    assert third["unchanged_since"] == first["run_id"]
    assert third["alerts_opened"] == 0 and third["alerts_closed"] == 1 and third["messages"] == 2
    closing = inbox.messages[2:]
    assert len(closing) == 1 and len(posted) == 3
    assert closing[0][1] == "JSNA alert closed: Final EHC plans (20 weeks), Demoshire"
    assert f"{count:,} (children overdue, {as_at.date()}), no longer above the threshold of {count + 1000:,}." \
        in closing[0][2]
    assert posted[2]["text"] == closing[0][2]
    states = published(warehouse, "SELECT rule, status, closed_at IS NOT NULL AS closed FROM published.alerts "
                       "ORDER BY rule")
    assert list(states["status"]) == ["closed", "open"] and list(states["closed"]) == [True, False]

    for _, subject, text in inbox.messages:  # published figures only: no count of 1-4 in any message
        assert not SMALL.search(subject) and not SMALL.search(text), text


def test_a_failed_refresh_is_told(warehouse: sa.Engine, demo_dir: Path, tmp_path_factory: pytest.TempPathFactory,
                                  smtp: tuple[Inbox, int], hooks: tuple[list[dict], int]) -> None:
    """Given a SEN2 return cut short (not well-formed XML), when refreshed, then the refresh fails and on_failure
    gets one email and one POST saying so, with the reason naming the file."""
    from flows.refresh import refresh

    inbox, smtp_port = smtp
    posted, hook_port = hooks
    before = len(inbox.messages), len(posted)
    folder = tmp_path_factory.mktemp("failing") / "demo"
    config = with_rules(demo_dir, folder, rules(smtp_port, hook_port, 0))
    declared = 'kind = "sen2_return"\npath = "education/sen2_return_2026.xml"'
    assert declared in config.read_text()
    config.write_text(config.read_text().replace(declared, 'kind = "sen2_return"\npath = "education/short.xml"'))
    whole = (folder / "education" / "sen2_return_2026.xml").read_text()
    (folder / "education" / "short.xml").write_text(whole[: len(whole) // 2])
    with pytest.raises(Exception, match="not well-formed XML"):
        refresh(config=str(config))
    mails, hooks_now = inbox.messages[before[0]:], posted[before[1]:]
    assert len(mails) == 1 and len(hooks_now) == 1
    assert mails[0][0] == ["ops@example.org"] and mails[0][1].startswith("JSNA refresh failed (run ")
    assert "short.xml: is not well-formed XML" in mails[0][2] and hooks_now[0]["path"] == "/ops"
    assert hooks_now[0]["text"] == mails[0][2]
