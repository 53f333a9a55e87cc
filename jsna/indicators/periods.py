"""The last day each kind of published period covers (periods are written as the indicators publish them)."""

from __future__ import annotations

import calendar
from datetime import date


def period_end(period: str) -> date:
    """'202425' (January census) -> 31 Jan 2025; '2024' -> 31 Dec 2024; '2024-Q3' -> 30 Sep 2024;
    '2024-03' -> 31 Mar 2024. ValueError for anything else."""
    p = str(period)
    if len(p) == 6 and p.isdigit():
        return date(int(p[:4]) + 1, 1, 31)
    if len(p) == 4 and p.isdigit():
        return date(int(p), 12, 31)
    if len(p) == 7 and p[4:6] == "-Q" and p[6] in "1234":
        month = 3 * int(p[6])
        return date(int(p[:4]), month, calendar.monthrange(int(p[:4]), month)[1])
    if len(p) == 7 and p[4] == "-" and p[5:].isdigit() and 1 <= int(p[5:]) <= 12:
        return date(int(p[:4]), int(p[5:]), calendar.monthrange(int(p[:4]), int(p[5:]))[1])
    raise ValueError(f"not a published period: {period}")
