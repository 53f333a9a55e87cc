"""Health advice for EHC needs assessments: the trusts asked, when advice was due and when returned."""

from __future__ import annotations

import numpy as np

from jsna.demo.dates import EXTRACT, START, format_dates, year_of
from jsna.demo.ehcp import Requests
from jsna.demo.people import People
from jsna.demo.trusts import Trusts

DUE_DAYS = 42
COLUMNS = ("Trust Code", "Trust Name", "LA Case Reference", "UPN", "Request Date", "Advice Due Date",
           "Advice Returned Date")


def _on_time_chance(n_trusts: int, rng: np.random.Generator) -> np.ndarray:
    """Share returned within six weeks, per trust and quarter (2015 Q1 = 0), between 60% and 95%."""
    base = 0.66 + 0.24 * rng.permutation(np.linspace(0.0, 1.0, n_trusts))
    drift = np.cumsum(rng.normal(0, 0.012, (n_trusts, 48)), axis=1)
    return np.clip(base[:, None] + drift + rng.normal(0, 0.04, (n_trusts, 48)), 0.6, 0.95)


def table(req: Requests, trusts: Trusts, people: People, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One row per trust asked for advice on each agreed assessment (one or two trusts each)."""
    agreed = np.flatnonzero((req.decision == "Assess") & (req.transfer == "") & (req.request >= START))
    second = agreed[rng.random(len(agreed)) < 0.5]
    second_trust = np.where(rng.random(len(second)) < 0.6, trusts.acute[req.auth[second]],
                            trusts.mental_health[req.auth[second]])
    rows = np.concatenate([agreed, second])
    trust = np.concatenate([trusts.community[req.auth[agreed]], second_trust])
    order = np.lexsort((trust, req.person[rows], req.request[rows]))
    rows, trust = rows[order], trust[order]
    request = req.request[rows]
    quarter = np.clip((year_of(request) - 2015) * 4 + _quarter(request), 0, 47)
    on_time = rng.random(len(rows)) < _on_time_chance(len(trusts.table), rng)[trust, quarter]
    returned = request + np.floor(np.where(on_time, rng.uniform(10, DUE_DAYS, len(rows)),
                                           DUE_DAYS + 1 + rng.gamma(2.0, 15.0, len(rows))))
    return {
        "Trust Code": trusts.table["code"].to_numpy()[trust], "Trust Name": trusts.table["name"].to_numpy()[trust],
        "LA Case Reference": people.person_id(req.person[rows]), "UPN": people.upn_text(req.person[rows]),
        "Request Date": format_dates(request),
        "Advice Due Date": format_dates(request + DUE_DAYS),
        "Advice Returned Date": format_dates(np.where(returned <= EXTRACT, returned, np.nan)),
    }


def _quarter(days: np.ndarray) -> np.ndarray:
    month = (days.astype("int64").astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)) % 12
    return month // 3
