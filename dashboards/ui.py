"""Page furniture shared by every page: filters that live in the URL, charts with their text
alternative and downloads, headline tiles, and the 'no data yet' note."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any, TypeVar
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboards import tables
from dashboards.formatting import (
    TREND_ARROWS,
    comparator_words,
    comparison_badge,
    fmt_number,
    missing,
    period_label,
    sparkline,
)
from jsna.publish import csvsafe

T = TypeVar("T")
METHODS_URL = "methods"  # relative: the app may be served under a base path
CSV_COLUMNS = ["indicator_id", "period", "area_code", "area_name", "area_level", "breakdown", "numerator",
               "denominator", "value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998", "comparator",
               "comparison", "trend", "symbol"]


# -- filters in the URL ----------------------------------------------------------------------------
def url_choice(label: str, options: Sequence[T], key: str, default: T | None = None,
               format_func: Callable[[Any], str] = str, widget: str = "selectbox", help: str | None = None,
               container: Any = None) -> T | None:
    """A native widget whose value lives in the page URL (?key=value), so a view can be shared as a link.

    The URL's value wins when it is one of the options; otherwise `default`, else the first option.
    """
    opts = list(options)
    if not opts:
        return None
    by_text = {str(o): o for o in opts}
    wanted = st.query_params.get(key)
    chosen = by_text.get(wanted, default if default in opts else opts[0]) if wanted is not None else (
        default if default in opts else opts[0])
    where = container or st
    index = opts.index(chosen)
    if widget == "radio":
        value = where.radio(label, opts, index=index, key=key, format_func=format_func, help=help, horizontal=True)
    elif widget == "slider" and len(opts) > 1:
        value = where.select_slider(label, options=opts, value=chosen, key=key, format_func=format_func, help=help)
    else:
        value = where.selectbox(label, opts, index=index, key=key, format_func=format_func, help=help)
    st.query_params[key] = str(value)
    return value


def url_flag(label: str, key: str, default: bool = False, container: Any = None) -> bool:
    """A checkbox kept in the URL as ?key=1 or ?key=0."""
    wanted = st.query_params.get(key)
    value = bool((container or st).checkbox(label, value=default if wanted is None else wanted == "1", key=key))
    st.query_params[key] = "1" if value else "0"
    return value


# -- pages -----------------------------------------------------------------------------------------
def home_page(title: str) -> pd.Series:
    """Title a page about the home area and return that area (area_code, area_name); until anything is
    published, say so and stop the page."""
    from dashboards import data

    home = data.home_area()
    st.title(title)
    if home["area_code"] is None:
        st.warning("Nothing has been published yet: run `jsna refresh`.")
        st.stop()
    return home


def sections(parts: dict[str, Callable[[], None]], key: str) -> None:
    """One tab per section, the open one kept in the URL (?<key>=<label>) so a link opens it; only the open
    tab's section runs and is drawn, which keeps a page's first render to its first section. Each page has its
    own key: a session moving between pages keeps each page's tab."""
    for tab, run in zip(st.tabs(list(parts), key=key, bind="query-params"), parts.values(), strict=True):
        if tab.open:
            with tab:
                run()


# -- notes -----------------------------------------------------------------------------------------
def no_data(what: str) -> None:
    """The note shown where an indicator has not been published yet (the page works once it is)."""
    st.info(f"No data yet: {what} has not been published. It will appear here after the next refresh that "
            "includes it.", icon=":material/hourglass_empty:")


def definition_html(indicator_id: str, label: str = "Definition and sources") -> str:
    """A plain link to the indicator's entry on the Data and methods page (a link, not a Streamlit page link:
    it costs the first render nothing)."""
    href = f"{METHODS_URL}?{urlencode({'indicator': indicator_id})}"
    return f"<a href='{escape(href, quote=True)}' target='_self' style='font-size:0.875rem'>{escape(label)} →</a>"


def definition_link(indicator_id: str, label: str = "Definition and sources") -> None:
    st.html(definition_html(indicator_id, label))


# -- charts ----------------------------------------------------------------------------------------
def chart(fig: Any, name: str, summary: str, rows: pd.DataFrame | None = None, key: str | None = None) -> None:
    """A chart (a Vega-Lite spec from `charts`, or a tile map's plotly figure from `tilemap`) with its text
    alternative (read by screen readers and shown as a caption), a PNG download in its toolbar, and the rows
    it shows as CSV, suppressed values as published."""
    if isinstance(fig, dict):
        st.vega_lite_chart(fig, alt=summary[:250], key=key, theme=None, width="stretch")
    else:
        from dashboards import tilemap

        st.plotly_chart(fig, config=tilemap.config(name), alt=summary[:250], key=key, theme=None)
    st.caption(summary)
    if rows is not None:
        download(rows, name)


def download(rows: pd.DataFrame, name: str, label: str = "Download the data (CSV)", columns: bool = True) -> None:
    """A CSV download of `rows` (the published columns, or all of them when `columns` is False), its text cells
    neutralised against spreadsheet formulas (`csvsafe`): every CSV the dashboards offer goes through here."""
    cols = [c for c in CSV_COLUMNS if c in rows.columns] if columns else []
    st.download_button(label, csvsafe.to_csv(rows[cols or list(rows.columns)]).encode(), file_name=f"{name}.csv",
                       mime="text/csv", key=f"dl_{name}", type="tertiary", icon=":material/download:",
                       on_click="ignore")


def table(frame: pd.DataFrame, caption: str, **options: Any) -> None:
    """A small table as accessible HTML (`tables.html_table`; options: index, decimals, na_rep, styles)."""
    st.html(tables.html_table(frame, caption, **options))


# -- headline tiles --------------------------------------------------------------------------------
#: a tile's frame and type as Streamlit draws its bordered containers and metrics
TILE_STYLE = "border:1px solid rgba(49,51,63,0.2);border-radius:0.5rem;padding:0.9rem 1rem;height:100%"
#: a change's colour by whether it is good news: blue-green, vermillion (Okabe-Ito, dark enough for text)
DELTA_COLOURS = {"good": "#007A5A", "bad": "#B34700", "neutral": "#555555"}


def indicator_meta(catalogue: pd.DataFrame, indicator_id: str, title: str) -> pd.Series:
    """An indicator's catalogue entry, or a stand-in titled `title` while it is not in the catalogue (its tile
    then says 'no data yet')."""
    if indicator_id in catalogue.index:
        return catalogue.loc[indicator_id]
    return pd.Series({"indicator_id": indicator_id, "short_title": title, "definition": "Not yet in the catalogue.",
                      "unit": "", "polarity": "no_judgement", "target": None})


def _tile(heading: str, value: str, value_size: str, body: str) -> str:
    """A headline tile's frame: its heading (also its accessible name), its value, then `body` (HTML)."""
    return (f"<div class='jsna-headline' role='group' aria-label='{escape(heading, quote=True)}' style='{TILE_STYLE}'>"
            f"<div data-testid='headline-label' style='font-size:0.875rem'>{escape(heading)}</div>"
            f"<div data-testid='headline-value' style='font-size:{value_size}'>{escape(value)}</div>{body}</div>")


def headline_html(meta: pd.Series, series: pd.DataFrame, label: str | None = None, note: str | None = None) -> str:
    """A headline tile as one HTML block: the title and period, the latest value, its change since the
    previous period (coloured by polarity: good news blue-green, bad vermillion, always with its arrow and
    sign), a sparkline, the polarity-aware comparison as a coloured badge, the trend arrow, the definition
    (a disclosure a keyboard opens) and a link to the indicator's entry."""
    title = label or str(meta["short_title"])
    definition = f"<details style='font-size:0.8rem;color:#555;margin-top:0.3rem'><summary>Definition</summary>" \
                 f"{escape(str(meta['definition']))} ({escape(str(meta['unit']))})</details>"
    if series.empty:
        return _tile(title, "no data yet", "1.75rem",
                     f"<div style='font-size:0.875rem;color:#555'>Not published yet.</div>{definition}")
    series = series.sort_values("period")
    latest = series.iloc[-1]
    previous = series.iloc[-2] if len(series) > 1 else None
    unit = str(meta["unit"])
    delta_html = ""
    if previous is not None and pd.notna(latest["value"]) and pd.notna(previous["value"]):
        change = float(latest["value"] - previous["value"])
        good = {"high_is_good": change > 0, "low_is_good": change < 0}.get(str(meta["polarity"]))
        tone = "neutral" if good is None or change == 0 else "good" if good else "bad"
        arrow = "▲" if change > 0 else "▼" if change < 0 else "▶"
        delta_html = (f"<div data-testid='headline-delta' style='font-size:0.875rem;color:{DELTA_COLOURS[tone]}'>"
                      f"<span aria-hidden='true'>{arrow}</span> {change:+,.1f} since "
                      f"{escape(period_label(previous['period']))}</div>")
    against = comparator_words(latest["comparator"])
    direction = "" if missing(latest["trend"]) else str(latest["trend"])
    arrow = TREND_ARROWS.get(direction, "")
    trend = f" <span title='trend'>{arrow} {direction}</span>" if arrow else ""
    judged = latest.get("versus", latest["comparison"])
    shown = series.dropna(subset=["value"]).tail(12)
    spark = sparkline(shown["value"].tolist(), f"{title}: {len(shown)} periods from "
                      f"{period_label(shown['period'].iloc[0])} to {period_label(shown['period'].iloc[-1])}, "
                      + ", ".join(fmt_number(v, unit) for v in shown["value"])) if len(shown) else ""
    note_html = f"<div style='font-size:0.875rem;color:#555'>{escape(note)}</div>" if note else ""
    return _tile(f"{title} ({period_label(latest['period'])})", fmt_number(latest["value"], unit),
                 "2.25rem;line-height:1.25",
                 f"{delta_html}<div style='display:flex;align-items:center;gap:0.6rem;flex-wrap:wrap;"
                 f"margin-top:0.3rem'>{spark}<span>{comparison_badge(judged, against)}{trend}</span></div>"
                 f"{note_html}{definition}<div>{definition_html(str(meta['indicator_id']))}</div>")


def headline(meta: pd.Series, series: pd.DataFrame, label: str | None = None, note: str | None = None) -> None:
    """A headline tile (`headline_html`): one element, so that a row of tiles costs a first render little."""
    st.html(headline_html(meta, series, label, note))


def area_picker(home: pd.Series, key: str = "area", container: Any = None,
                nhs: tuple[str, ...] = ()) -> tuple[str, str, str]:
    """The home authority or one of its districts, kept in the URL: returns (code, name, level). With `nhs`
    (indicators counted from the area's own children), the sub-ICB locations and ICBs they are published for
    too."""
    from dashboards import data

    districts = data.areas("lad", str(home["area_code"]))
    names = {str(home["area_code"]): str(home["area_name"]),
             **dict(zip(districts["area_code"], districts["area_name"], strict=True))}
    levels = {str(home["area_code"]): "utla", **dict.fromkeys(districts["area_code"], "lad")}
    if nhs:
        found = data.nhs_areas(nhs)
        names |= dict(zip(found["area_code"], found["area_name"], strict=True))
        levels |= dict(zip(found["area_code"], found["area_level"], strict=True))
    kinds = {"utla": "", "lad": " (district)", "sicbl": " (sub-ICB location)", "icb": " (ICB)"}
    code = str(url_choice("Area", list(names), key, default=str(home["area_code"]),
                          format_func=lambda c: names[c] + kinds[levels[c]], container=container))
    return code, names[code], levels[code]
