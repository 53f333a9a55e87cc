"""Screening a file as a whole and its values for sense, beyond each row's own rules.

Published statistics: every file of a kind has its required measure columns; every period has its
national row; and in a file covering all of England each period holds its authorities, which add up
to England's figure (the check publishers run before release). Case-level extracts: no event dated
after the extract.

The rules for a period of published statistics (time_period with its time_identifier):
- where the file has national rows at all, every period has one;
- a file naming at least `ENGLAND_LAS` authorities in some period covers England: a period lacking
  authorities named in the periods either side of it (the one next to it, for the first and last) is
  incomplete when it holds fewer than `ENGLAND_LAS` authorities, or when its authorities' headline
  count (`headline` measures, on the period's total: the breakdown with England's largest figure
  among those with every authority's figure published) falls short of England's by more than the
  publisher's rounding. Authorities come and go with reorganisations (Dorset 2019, Northamptonshire
  2021, Cumbria 2023) and DfE's own releases leave one out for a year (Leicester's new plans in 2023),
  so a missing authority alone stops nothing while the sum holds; and a sum that fails with every
  authority there (DfE's residential settings 2022/23, new plans 2022) is the publisher's figure,
  not a cut file;
- a file naming fewer authorities (a region's or the demo county's extract) has no England total to
  add up to: a period lacking authorities named in the periods next to it is incomplete unless other
  authorities appear in it (a reorganisation).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from jsna.errors import SourceError
from jsna.sources.base import Parsed, Screen, norm
from jsna.sources.identity import usable_nhs_number

ENGLAND_LAS = 150  # England has had 150-153 upper-tier (education) authorities since 2009
SHOWN = 5  # authorities named in a message


def require_measures(path: Path, columns: Iterable[str], required: Iterable[str], what: str) -> None:
    """Stop the file, in one sentence naming it and the column, when a required measure is absent."""
    have = {norm(c) for c in columns}
    missing = [c for c in required if norm(c) not in have]
    if missing:
        raise SourceError(path, f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}, "
                                f"which every {what} file has; is the file whole and the right kind?")


def check_periods(path: Path, rows: pd.DataFrame, headline: Mapping[str, pd.Series], rounding: float = 0,
                  england_rounding: float = 0) -> None:
    """Stop the file when a period is incomplete (the rules are in the module's docstring). `rounding`: of
    each authority's figure; `england_rounding`: of England's.

    `rows` has, per input row that passed the row rules, `period` (time_period and identifier as
    written), `level` (geographic level), `area` (area code) and `group` (the breakdown); `headline`
    maps a count measure's name to its values (NaN where suppressed or blank) on the same index."""
    if rows.empty:
        return
    national = rows["level"] == "National"
    la = rows["level"] == "Local authority"
    periods = list(dict.fromkeys(rows["period"]))
    if national.any():
        lacking = [p for p in periods if p not in set(rows.loc[national, "period"])]
        if lacking:
            raise SourceError(path, f"period {_period(lacking[0])} has no national (England) row"
                                    f"{f' (nor have {len(lacking) - 1} other periods)' if len(lacking) > 1 else ''}; "
                                    "is the file complete?")
    if not la.any():
        return
    las = {p: set(rows.loc[la & (rows["period"] == p), "area"]) for p in periods}
    order = sorted(periods)
    england = max(len(s) for s in las.values()) >= ENGLAND_LAS
    for i, p in enumerate(order):
        near = [las[q] for q in order[max(i - 1, 0):i + 2] if q != p]
        missing = set.intersection(*near) - las[p] if near else set()
        if not missing:
            continue
        if not england:
            if not las[p] - near[0]:  # no authority appears in its place: no reorganisation explains it
                raise SourceError(path, f"period {_period(p)} lacks {_few(missing)}, named in the periods next "
                                        "to it; is the file complete?")
            continue
        if len(las[p]) < ENGLAND_LAS:
            raise SourceError(path, f"period {_period(p)} is incomplete: it lacks {_few(missing)}, named in the "
                                    f"periods next to it, and holds {len(las[p])} authorities where England has "
                                    f"at least {ENGLAND_LAS}.")
        for measure, values in headline.items():
            short = _shortfall(rows, values, p, national, la, len(las[p]))
            if short is not None and short[0] - short[1] > max(0.5, rounding / 2 * len(las[p]) + england_rounding / 2):
                raise SourceError(
                    path, f"period {_period(p)} is incomplete: it lacks {_few(missing)}, named in the periods "
                          f"next to it, and its {len(las[p])} authorities' {measure} add up to {short[1]:,.0f} "
                          f"where its England row says {short[0]:,.0f}.")


def _shortfall(rows: pd.DataFrame, values: pd.Series, period: str, national: pd.Series,
               la: pd.Series, authorities: int) -> tuple[float, float] | None:
    """(England's figure, the authorities' sum) on the period's total: of the breakdowns where England
    and every one of the period's `authorities` have a published count (none of their rows quarantined),
    the one with England's largest. None when there is none."""
    at = rows["period"] == period
    best = None
    for group in dict.fromkeys(rows.loc[at & national, "group"]):
        in_group = at & (rows["group"] == group)
        england = values[in_group & national]
        local = values[in_group & la]
        whole = (len(england) == 1 and england.notna().all() and len(local) == authorities
                 and local.notna().all() and (local >= 0).all())  # a negative count goes to quarantine
        if whole and (best is None or float(england.iloc[0]) > best[0]):
            best = (float(england.iloc[0]), float(local.sum()))
    return best


def _period(p: str) -> str:
    return p.replace("|", " (") + ")" if "|" in p else p


def _few(codes: set[str]) -> str:
    shown = ", ".join(sorted(codes)[:SHOWN])
    more = f" and {len(codes) - SHOWN} more" if len(codes) > SHOWN else ""
    return f"{len(codes)} authorit{'y' if len(codes) == 1 else 'ies'} ({shown}{more})"


# -- values for sense --------------------------------------------------------------------------------
def screen_negative(screen: Screen, values: Mapping[str, pd.Series], signed: Iterable[str] = ()) -> None:
    """A count below zero quarantines its row (measures in `signed` are differences and may be negative)."""
    allowed = {norm(c) for c in signed}
    for column, value in values.items():
        if norm(column) not in allowed:
            screen.rule(value < 0, column, "negative count")


def extract_date(path: Path, options: Mapping[str, Any]) -> pd.Timestamp:
    """The date the extract was taken: the source's `extract_date` option (YYYY-MM-DD) in jsna.toml,
    else the day the file was last written (no event in it can be later than that)."""
    given = options.get("extract_date")
    if given:
        try:
            return pd.Timestamp(given if isinstance(given, date) else date.fromisoformat(str(given))).normalize()
        except ValueError as exc:
            raise SourceError(path, f"extract_date '{given}' is not a date (YYYY-MM-DD).") from exc
    return pd.Timestamp(date.fromtimestamp(os.stat(path).st_mtime))


def screen_future(screen: Screen, dates: Mapping[str, pd.Series], latest: pd.Timestamp,
                  columns: Iterable[str]) -> None:
    """Dates after the extract date go to quarantine, column by column."""
    for column in columns:
        screen.rule(dates[column] > latest, column, f"date after the extract date ({latest:%d/%m/%Y})")


def flag_nhs_numbers(parsed: Parsed, frame: pd.DataFrame) -> Parsed:
    """Note in `parsed.extras['nhs_not_usable']` the lines whose NHS number is given but fails the modulus
    11 check or is one digit repeated: the child was keyed by its UPN or local id instead (or, with
    neither, quarantined)."""
    if "nhs_number" in frame:
        given = frame["nhs_number"].fillna("").astype(str).str.strip() != ""
        bad = given & ~usable_nhs_number(frame["nhs_number"])
        parsed.extras["nhs_not_usable"] = frame.loc[bad, "__line__"].astype(int).tolist()
    return parsed
