"""Whose data a printed map or pack shows: each source kind's publisher, and the copyright lines the
boundaries and postcodes carry (Ordnance Survey, Royal Mail), written from `published.sources`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from jsna.kinds import PLACED, PUBLISHERS

__all__ = ["PUBLISHERS", "attribution", "kinds_behind"]

OS_LINE = "Contains OS data © Crown copyright and database right {year}."
ROYAL_MAIL_LINE = "Contains Royal Mail data © Royal Mail copyright and database right {year}."
OGL_LINE = "Contains public sector information licensed under the Open Government Licence v3.0."


def kinds_behind(indicator_kinds: Iterable[str]) -> list[str]:
    """The source kinds a map of an indicator rests on: its own, the boundaries, and the postcodes that
    placed its records when any of them are placed in small areas."""
    kinds = list(dict.fromkeys(k.strip() for k in indicator_kinds if k.strip()))
    extra = ["boundaries"] + (["postcodes"] if any(k in PLACED for k in kinds) else [])
    return kinds + [k for k in extra if k not in kinds]


def attribution(rows: Iterable[dict[str, object]], now: datetime | None = None) -> str:
    """One paragraph naming each source's publisher and files (as `published.sources` lists them: kind,
    file_name, loaded_at), then the copyright lines they require."""
    by_kind: dict[str, list[str]] = {}
    years: dict[str, int] = {}
    for r in rows:
        kind = str(r["kind"])
        by_kind.setdefault(kind, [])
        if r["file_name"] not in by_kind[kind]:
            by_kind[kind].append(str(r["file_name"]))
        loaded = r.get("loaded_at")
        year = loaded.year if isinstance(loaded, datetime) else (now or datetime.now()).year
        years[kind] = max(years.get(kind, 0), year)
    parts = [f"{PUBLISHERS.get(kind, kind)} ({', '.join(files)})" for kind, files in by_kind.items()]
    text = "Sources: " + "; ".join(parts) + "." if parts else "Sources: none recorded."
    if "boundaries" in by_kind:
        text += " " + OS_LINE.format(year=years["boundaries"])
    if "postcodes" in by_kind:
        text += " " + ROYAL_MAIL_LINE.format(year=years["postcodes"])
    return text + " " + OGL_LINE
