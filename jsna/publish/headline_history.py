"""The headline figures (the dashboards' Overview tiles) each build published, kept beside the run that built
them (published.headline_history) so that readers can see what changed since the previous build without any
figure being computed again. Taken from the disclosure-controlled values: a suppressed figure stays suppressed."""

from __future__ import annotations

import pandas as pd

from jsna.publish import headlines

#: indicators whose headline is shown per pathway (the Overview's waits)
BY_PATHWAY = ("wait_median_weeks", "waiting_over_18_weeks")
#: the Overview's headline tiles (`jsna.publish.headlines`), the count of plans beside them, and the waits
HEADLINES = (*headlines.HEADLINES, "ehcp_plans", *BY_PATHWAY)
COLUMNS = ["run_id", "indicator_id", "period", "area_code", "breakdown", "value", "symbol"]


def headline_rows(published: pd.DataFrame, area_code: str, run_id: int) -> pd.DataFrame:
    """The latest published period of each headline indicator for the home area (`area_code`): breakdown 'all',
    and each pathway for the waits; `published` is indicator_values after disclosure control."""
    if published.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows = published[(published["area_code"] == area_code) & published["indicator_id"].isin(HEADLINES)]
    wanted = rows["breakdown"].eq("all") | (rows["indicator_id"].isin(BY_PATHWAY)
                                            & rows["breakdown"].astype(str).str.startswith("pathway="))
    rows = rows[wanted]
    latest = rows.sort_values("period").groupby(["indicator_id", "breakdown"], sort=True).tail(1)
    out = latest.assign(run_id=run_id)[COLUMNS].sort_values(["indicator_id", "breakdown"])
    return out.reset_index(drop=True)


def changes(history: pd.DataFrame) -> pd.DataFrame:
    """What changed in the headline figures between the last two builds in `history` (published
    .headline_history): one row per indicator and breakdown with the period and value before and now (a
    suppressed value as None with its symbol), and the change where both values are shown."""
    cols = ["indicator_id", "breakdown", "period_before", "value_before", "symbol_before", "period_now",
            "value_now", "symbol_now", "change"]
    builds = sorted(history["run_id"].unique()) if len(history) else []
    if not builds:
        return pd.DataFrame(columns=cols)
    now = history[history["run_id"] == builds[-1]]
    before = history[history["run_id"] == builds[-2]] if len(builds) > 1 else history.iloc[0:0]
    key = ["indicator_id", "breakdown"]
    both = now[[*key, "period", "value", "symbol"]].merge(
        before[[*key, "period", "value", "symbol"]], on=key, how="outer", suffixes=("_now", "_before"))
    both["change"] = both["value_now"] - both["value_before"]
    return both[cols].sort_values(key).reset_index(drop=True)
