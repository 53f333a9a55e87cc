"""The Overview's (and the board pack's) short generated narrative: plain sentences from the published figures.

Pure functions over frames (no Streamlit), so the wording is tested on its own.
"""

from __future__ import annotations

import pandas as pd

from jsna.publish.formatting import breakdown_label, fmt_number, missing, period_label


def _latest(series: pd.DataFrame) -> pd.Series | None:
    shown = series.dropna(subset=["value"]).sort_values("period")
    return None if shown.empty else shown.iloc[-1]


def _in_period(period: str) -> str:
    return f"in {period_label(period)}"


def _england(england: pd.DataFrame | None, indicator_id: str, period: str) -> float | None:
    if england is None or england.empty:
        return None
    row = england[(england["indicator_id"] == indicator_id) & (england["period"] == period)]
    return None if row.empty or missing(row["value"].iloc[0]) else float(row["value"].iloc[0])


def against_target(area: str, meta: pd.Series, series: pd.DataFrame, verb: str,
                   england: pd.DataFrame | None = None) -> str | None:
    """'Demoshire issued 41.2% of new EHC plans within 20 weeks in 2024, below the 95% target (England 50.3%).'"""
    row = _latest(series)
    if row is None:
        return None
    unit = str(meta["unit"])
    text = f"{area} {verb.format(value=fmt_number(row['value'], unit))} {_in_period(row['period'])}"
    target = meta.get("target")
    if not missing(target):
        gap = float(row["value"]) - float(target)
        side = "above" if gap > 0 else "below" if gap < 0 else "at"
        text += f", {side} the {float(target):g}{'%' if unit == '%' else ' ' + unit} target"
    eng = _england(england, str(meta["indicator_id"]), str(row["period"]))
    if eng is not None:
        text += f" (England: {fmt_number(eng, unit)})"
    previous = series.dropna(subset=["value"]).sort_values("period")
    if len(previous) > 1:
        before = previous.iloc[-2]
        change = float(row["value"]) - float(before["value"])
        direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
        if direction != "unchanged":
            text += f"; {direction} from {fmt_number(before['value'], unit)} {_in_period(before['period'])}"
    return text + "."


def growth(area: str, plans: pd.DataFrame, rate_meta: pd.Series | None, rate: pd.DataFrame,
           england: pd.DataFrame | None = None, years: int = 5) -> str | None:
    """'Demoshire maintained 5,645 EHC plans in Jan 2025 (10.3 per 1,000 aged 0-25), 48% more than five years
    earlier (Jan 2020).'"""
    shown = plans.dropna(subset=["value"]).sort_values("period")
    if shown.empty:
        return None
    last = shown.iloc[-1]
    text = f"{area} maintained {fmt_number(last['value'], 'EHC plans')} {_in_period(last['period'])}"
    r = rate[rate["period"] == last["period"]].dropna(subset=["value"]) if len(rate) else rate
    if rate_meta is not None and len(r):
        text += f" ({fmt_number(r['value'].iloc[0], str(rate_meta['unit']))} aged 0-25"
        eng = _england(england, "ehcp_rate_0_25", str(last["period"]))
        text += f"; England {fmt_number(eng, str(rate_meta['unit']))})" if eng is not None else ")"
    base = shown.iloc[max(0, len(shown) - 1 - years)]
    if base["period"] != last["period"] and float(base["value"]) > 0:
        pct = 100 * (float(last["value"]) / float(base["value"]) - 1)
        text += f", {abs(pct):.0f}% {'more' if pct >= 0 else 'fewer'} than {_in_period(base['period'])}"
    return text + "."


def waits(area: str, median: pd.DataFrame, over_18: pd.DataFrame) -> str | None:
    """'The median wait for an autism assessment was 38 weeks in 2025 (ADHD 45 weeks, CAMHS 12 weeks).'"""
    if median.empty:
        return None
    parts = []
    for breakdown, grp in median.groupby("breakdown"):
        row = _latest(grp)
        if row is not None:
            parts.append((str(breakdown), row))
    if not parts:
        return None
    parts.sort(key=lambda p: -float(p[1]["value"]))
    first_b, first = parts[0]
    text = (f"In {area} the longest median wait is for {breakdown_label(first_b)}: "
            f"{fmt_number(first['value'], 'weeks')} {_in_period(first['period'])}")
    others = ", ".join(f"{breakdown_label(b)} {fmt_number(r['value'], 'weeks')}" for b, r in parts[1:])
    if others:
        text += f" ({others})"
    row18 = _latest(over_18[over_18["breakdown"] == first_b]) if len(over_18) else None
    if row18 is not None:
        text += f"; {fmt_number(row18['value'], '%')} of that list had waited over 18 weeks"
    return text + "."


def backlog(area: str, series: pd.DataFrame) -> str | None:
    """'At Dec 2025, 312 assessments had been open past 20 weeks, up from 250 a year earlier.'"""
    shown = series.dropna(subset=["value"]).sort_values("period")
    if shown.empty:
        return None
    last = shown.iloc[-1]
    text = f"At {period_label(last['period'])}, {fmt_number(last['value'], 'assessments')} had been open past 20 weeks"
    year_before = shown[shown["period"] <= f"{int(str(last['period'])[:4]) - 1}{str(last['period'])[4:]}"]
    if len(year_before):
        before = year_before.iloc[-1]
        word = "up" if last["value"] > before["value"] else "down" if last["value"] < before["value"] else "level"
        text += f", {word} from {fmt_number(before['value'], '')} a year earlier" if word != "level" else \
            ", as a year earlier"
    return text + "."


def overview(area: str, catalogue: pd.DataFrame, series: pd.DataFrame, waits_frame: pd.DataFrame,
             over_18: pd.DataFrame, england: pd.DataFrame | None) -> list[str]:
    """The Overview's sentences, in its order (the board pack's summary prints the same): 20-week timeliness,
    growth in plans, six-week health advice, the longest waits and the backlog. `series`: the area's rows of
    the headline indicators and of ehcp_plans (breakdown 'all'); `waits_frame` and `over_18`: its rows of
    wait_median_weeks and waiting_over_18_weeks by pathway; `england`: its England comparisons (as `value`)."""

    def of(indicator_id: str) -> pd.DataFrame:
        return series[series["indicator_id"] == indicator_id]

    def meta(indicator_id: str) -> pd.Series | None:
        return catalogue.loc[indicator_id] if indicator_id in catalogue.index else None

    timely, rate, advice = meta("ehcp_20_weeks"), meta("ehcp_rate_0_25"), meta("advice_6_weeks")
    sentences = [
        against_target(area, timely, of("ehcp_20_weeks"), "issued {value} of new EHC plans within 20 weeks", england)
        if timely is not None else None,
        growth(area, of("ehcp_plans"), rate, of("ehcp_rate_0_25"), england),
        against_target(area, advice, of("advice_6_weeks"), "received {value} of health advice within six weeks",
                       england) if advice is not None else None,
        waits(area, waits_frame, over_18),
        backlog(area, of("ehcp_backlog")),
    ]
    return [s for s in sentences if s]
