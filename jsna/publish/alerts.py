"""Alert rules ([[alerts]] in jsna.toml) evaluated against the published figures after every refresh.

A rule reads one published figure: an indicator's latest value for an area and breakdown, or a milestone's count
of children (overdue, or due in the next 14 or 28 days). A breach (above or below the threshold, or the
catalogue's target) is one row of published.alerts for as long as it lasts: opened by the run that first saw it,
updated while it lasts, closed by the run that sees it end. A withheld (suppressed) or missing figure changes
nothing. Evaluating the same figures twice changes nothing, so a refresh that changed nothing opens and closes
nothing, and nothing is sent again. Messages carry published figures only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
import sqlalchemy as sa

from jsna.config import AlertRule, JsnaConfig
from jsna.indicators import targets
from jsna.indicators.catalogue import Indicator
from jsna.indicators.milestones import TITLES
from jsna.indicators.targets import with_local_targets
from jsna.warehouse.sqlfiles import statement

HORIZON_WORDS = {"overdue": "overdue", "next_14_days": "due in the next 14 days",
                 "next_28_days": "due in the next 28 days"}
PAGE = "alerts"  # the dashboards' Alerts page (dashboards/app.py url_path)


@dataclass(frozen=True)
class Reading:
    """A rule's figure as published: value None where withheld or not published."""

    rule: AlertRule
    area_code: str
    area_name: str
    title: str
    detail: str
    threshold: float
    value: float | None
    period: str | None


@dataclass(frozen=True)
class Change:
    """An alert opened or closed by a run: what the message says, and to whom."""

    kind: Literal["opened", "closed"]
    rule: str
    title: str
    area_code: str
    area_name: str
    detail: str
    direction: str
    threshold: float
    value: float
    period: str
    since: str
    recipients: list[str] = field(default_factory=list)


def breached(value: float, threshold: float, direction: str) -> bool:
    return value > threshold if direction == "above" else value < threshold


def decide(readings: list[Reading], open_rules: set[str]) -> dict[str, str]:
    """What each rule's alert does: 'open' (a new breach), 'update' (it lasts), 'close' (it ended, or its rule is
    gone), nothing where the figure is withheld or the rule is not breached and has no open alert."""
    actions = {}
    for r in readings:
        if r.value is None:
            continue
        hit, was = breached(r.value, r.threshold, r.rule.direction), r.rule.name in open_rules
        if hit:
            actions[r.rule.name] = "update" if was else "open"
        elif was:
            actions[r.rule.name] = "close"
    for gone in open_rules - {r.rule.name for r in readings}:
        actions[gone] = "close"
    return actions


def _number(value: object) -> float | None:
    if value is None:
        return None
    v = float(value)  # type: ignore[arg-type]
    return None if math.isnan(v) else v


def read(conn: sa.Connection, cfg: JsnaConfig, rule: AlertRule, catalogue: Mapping[str, Indicator]) -> Reading:
    """A rule's published figure. `catalogue`: with the area's own targets (`jsna.indicators.targets`)."""
    area = rule.area or cfg.project.area_code
    if rule.indicator is not None:
        ind = catalogue[rule.indicator]
        row = conn.execute(statement("publish/alert_indicator"), {"indicator": rule.indicator, "area": area,
                                                                 "breakdown": rule.breakdown}).one_or_none()
        if rule.threshold != "target":
            threshold = float(rule.threshold)
        else:  # the target in force at the figure's period, as its published comparison judges it
            threshold = float(targets.by_period(ind, pd.Series([row.period if row else ""]))[0])
        title = ind.title
        detail = f"{ind.unit}" + ("" if rule.breakdown == "all" else f", {rule.breakdown}")
    else:
        threshold = float(rule.threshold)
        horizon = rule.horizon or "overdue"
        row = conn.execute(statement("publish/alert_milestone"), {"milestone": rule.milestone, "area": area,
                                                                 "horizon": horizon}).one_or_none()
        title = TITLES[str(rule.milestone)]
        detail = f"children {HORIZON_WORDS[horizon]}"
    return Reading(rule, area, str(row.area_name) if row else area, title, detail, threshold,
                   _number(row.value) if row else None, str(row.period) if row else None)


def evaluate(engine: sa.Engine, cfg: JsnaConfig, run_id: int) -> list[Change]:
    """Evaluate every rule against published figures in one transaction; the alerts opened and closed."""
    rules = {r.name: r for r in cfg.alerts}
    changes = []
    with engine.begin() as conn:
        open_now = {row.rule: row for row in conn.execute(statement("publish/alerts_open")).all()}
        catalogue = with_local_targets(cfg.targets)
        readings = [read(conn, cfg, r, catalogue) for r in cfg.alerts]
        by_rule = {r.rule.name: r for r in readings}
        for name, action in sorted(decide(readings, set(open_now)).items()):
            r = by_rule.get(name)
            params = {"run": run_id, "value": r.value if r else None, "period": r.period if r else None}
            if action == "close":
                row = conn.execute(statement("publish/alert_close"),
                                   {**params, "alert_id": open_now[name].alert_id}).one()
                if r is not None:  # a removed rule closes without a message: it names no one any more
                    changes.append(_change("closed", r, row.since, rules[name].recipients))
                continue
            assert r is not None and r.value is not None and r.period is not None
            values = {**params, "threshold": r.threshold, "title": r.title, "detail": r.detail}
            if action == "update":
                conn.execute(statement("publish/alert_update"), {**values, "alert_id": open_now[name].alert_id})
                continue
            conn.execute(statement("publish/alert_open"), {
                **values, "rule": name, "what": r.rule.what, "area_code": r.area_code,
                "direction": r.rule.direction})
            changes.append(_change("opened", r, r.period, rules[name].recipients))
    return changes


def _change(kind: Literal["opened", "closed"], r: Reading, since: str, recipients: list[str]) -> Change:
    assert r.value is not None and r.period is not None
    return Change(kind, r.rule.name, r.title, r.area_code, r.area_name, r.detail, r.rule.direction, r.threshold,
                  r.value, r.period, since, list(recipients))


def fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def message(change: Change, base_url: str) -> tuple[str, str]:
    """(subject, text) of an alert's message: published figures only, and a link to the Alerts page."""
    link = f"{base_url.rstrip('/')}/{PAGE}"
    side = "above" if change.direction == "above" else "below"
    if change.kind == "opened":
        subject = f"JSNA alert: {change.title}, {change.area_name}"
        text = (f"{change.title} in {change.area_name} ({change.area_code}): {fmt(change.value)} "
                f"({change.detail}, {change.period}), {side} the threshold of {fmt(change.threshold)}. "
                f"Alert '{change.rule}' opened. See {link}")
    else:
        subject = f"JSNA alert closed: {change.title}, {change.area_name}"
        text = (f"{change.title} in {change.area_name} ({change.area_code}): {fmt(change.value)} "
                f"({change.detail}, {change.period}), no longer {side} the threshold of {fmt(change.threshold)}. "
                f"Alert '{change.rule}', open since {change.since}, closed. See {link}")
    return subject, text


def failure_message(run_id: int | None, reason: str, base_url: str) -> tuple[str, str]:
    """(subject, text) telling that a refresh failed, with its one-sentence reason."""
    run = f"run {run_id}" if run_id is not None else "a refresh"
    return (f"JSNA refresh failed ({run})",
            f"The JSNA refresh ({run}) failed and the published figures were left as they were: {reason[:500]} "
            f"See {base_url.rstrip('/')}/{PAGE}")
