"""Headline tiles (`dashboards.ui.headline_html`): one HTML block with the latest figure, its change coloured by
what is good news for the indicator, the comparison badge and the definition."""

from __future__ import annotations

import pandas as pd

from dashboards.ui import DELTA_COLOURS, headline_html


def meta(polarity: str) -> pd.Series:
    return pd.Series({"indicator_id": "ehcp_20_weeks", "short_title": "Plans <in> 20 weeks", "unit": "%",
                      "polarity": polarity, "definition": "New plans issued within 20 weeks & exceptions."})


def rows(values: list[float]) -> pd.DataFrame:
    periods = [str(2021 + i) for i in range(len(values))]
    return pd.DataFrame({"period": periods, "value": values, "comparator": "target", "trend": "decreasing",
                         "comparison": "worse", "versus": "worse"})


def test_latest_value_change_and_badge() -> None:
    html = headline_html(meta("high_is_good"), rows([50.0, 41.04]).iloc[::-1])  # any order: sorted by period
    assert "data-testid='headline-label' style='font-size:0.875rem'>Plans &lt;in&gt; 20 weeks (2022)</div>" in html
    assert "data-testid='headline-value' style='font-size:2.25rem;line-height:1.25'>41.0%</div>" in html
    assert f"color:{DELTA_COLOURS['bad']}'><span aria-hidden='true'>▼</span> -9.0 since 2021" in html
    assert "data-testid='comparison-badge'" in html and "Worse than" in html
    assert "<details" in html and "New plans issued within 20 weeks &amp; exceptions. (%)" in html
    assert "role='group' aria-label='Plans &lt;in&gt; 20 weeks (2022)'" in html


def test_a_fall_is_good_news_where_low_is_good_and_neutral_without_judgement() -> None:
    assert f"color:{DELTA_COLOURS['good']}'>" in headline_html(meta("low_is_good"), rows([50.0, 41.0]))
    assert f"color:{DELTA_COLOURS['neutral']}'>" in headline_html(meta("no_judgement"), rows([50.0, 41.0]))
    assert f"color:{DELTA_COLOURS['good']}'><span aria-hidden='true'>▲</span> +9.0" in headline_html(
        meta("high_is_good"), rows([41.0, 50.0]))


def test_one_period_has_no_change_and_none_says_so() -> None:
    assert "headline-delta" not in headline_html(meta("high_is_good"), rows([41.0]))
    empty = headline_html(meta("high_is_good"), rows([]))
    assert "headline-value' style='font-size:1.75rem'>no data yet</div>" in empty and "Not published yet." in empty
