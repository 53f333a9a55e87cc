"""Wall time of each step of a demo refresh (the library steps the Prefect flow calls, in its order); then of a
second refresh of the same files, configuration and code (which, as the flow does, finds nothing to rebuild and
keeps what is published); then of refreshes after each case-level source in turn changed (the waiting list, the
health advice returns, the social care extract, the CIN census and the SEN2 return twice: once with one plan ceased in
the return's last year, and once with one ceased the year before, which changes the caseload at a census as a new
year's return does), each redoing only what reads it (jsna.rebuild). Each one's share of the first refresh's time.

Usage: python -m bench.refresh (this benchmark alone; `make bench` runs it among the others)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from bench import profile
from bench.common import timed
from jsna import pipeline
from jsna.config import Settings, get_settings


def refresh_steps(config: Path, url: str) -> dict[str, float]:
    t: dict[str, float] = {}
    with timed(t, "start (migrate, open run)"):
        run, cfg = pipeline.start(config, Settings(database_url=url))
    try:
        plan = pipeline.plan_sources(cfg)
        with timed(t, f"land reference files ({len(plan.reference)})"):
            landed = [pipeline.land(run, cfg, entry) for entry in plan.reference]
        with timed(t, "placement context (LSOAs, postcodes)"):
            fresh = pipeline.needs_reading(run, cfg, plan.placed)
            context = pipeline.read_context(run, cfg, get_settings(), fresh) if fresh else None
        for entry in plan.placed:
            with timed(t, f"land {entry.name}"):
                landed.append(pipeline.land(run, cfg, entry, context))
        with timed(t, "unchanged since the last build?"):
            kept = pipeline.unchanged_since(run, landed)
        if kept is not None:  # as the flow does: nothing to rebuild, published kept
            with timed(t, "keep published"):
                pipeline.keep_published(run)
            t["total"] = sum(t.values())
            return t
        with timed(t, "what to redo"):
            scope = pipeline.scope(run)
        with timed(t, "build core"):
            pipeline.build_core(run, scope)
        with timed(t, "what returns what it did"):
            scope = pipeline.settle(run, cfg, scope)
        with timed(t, "compute indicators"):
            values = pipeline.compute_indicators(run, cfg, scope)
        with timed(t, "publish (disclosure control)"):
            pipeline.publish(run, cfg, values, scope)
        with timed(t, "plan places (forecasts, sufficiency, access)"):
            pipeline.plan_places(run, cfg, scope=scope)
        with timed(t, "milestones"):
            pipeline.publish_milestones(run, cfg, scope)
        with timed(t, "commit (atomic swap)"):
            pipeline.commit(run)
    except BaseException as exc:
        pipeline.abort(run, exc)
        raise
    t["total"] = sum(t.values())
    return t


def _change(path: Path, years_back: int | None = None) -> None:
    """A new delivery of one file: the same records with one line more at its end (a blank line for a CSV, a
    newline after the XML's root), so that it is read, landed and rebuilt from again. A SEN2 return's new delivery
    changes a record as well (`_cease_one_plan`, `years_back`): its figures change, as a real one's would."""
    if years_back is not None:
        _cease_one_plan(path, years_back)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n")


_ACTIVE_PLAN = re.compile(r"<NamedPlan><StartDate>(\d{4})-\d\d-\d\d</StartDate>((?:(?!</NamedPlan>).)*?)</NamedPlan>")


def _cease_one_plan(path: Path, years_back: int) -> None:
    """The return's first plan active since before the year `years_back` before its own ceases in December of that
    year (the child moved to another authority): one child's record changes. One year back (December 2025 in the
    demo's 2026 return): the plans ceased in that year, the cases place planning forecasts from and the milestones
    change, not the caseload at the censuses before. Two years back (December 2024): the caseload at the January
    2025 census changes too, and with it the caseload's indicators and forecasts, as a new year's return does."""
    text = path.read_text(encoding="utf-8")
    year = int(re.search(r"<Year>(\d{4})</Year>", text).group(1)) - years_back  # type: ignore[union-attr]
    plan = next(m for m in _ACTIVE_PLAN.finditer(text) if "<CeaseDate>" not in m.group(2) and int(m.group(1)) < year)
    ceased = plan.group(0).replace("</NamedPlan>", f"<CeaseDate>{year}-12-01</CeaseDate>"
                                                   "<CeaseReason>5</CeaseReason></NamedPlan>")
    path.write_text(text[:plan.start()] + ceased + text[plan.end():], encoding="utf-8")


# the demo's case-level sources, one at a time: the file, and for the SEN2 return how many years back a plan ceases
CHANGED: dict[str, tuple[str, int | None]] = {
    "waiting list": ("health/waiting_list.csv", None), "health advice return": ("health/ehc_advice_returns.csv", None),
    "social care extract": ("social_care/disabled_children_team.csv", None),
    "CIN census return": ("social_care/cin_census_2025.xml", None),
    "SEN2 return (a plan ceased in its last year)": ("education/sen2_return_2026.xml", 1),
    "SEN2 return (a plan ceased before a census)": ("education/sen2_return_2026.xml", 2)}


def run(url: str, scale: str = "county", partial: bool = True) -> dict[str, Any]:
    from jsna.demo import generate

    with tempfile.TemporaryDirectory() as tmp:
        times: dict[str, float] = {}
        with timed(times, "generate"):
            config = generate(Path(tmp), scale=scale)  # type: ignore[arg-type]
        steps = profile.profile_refresh(config, url)  # the first refresh, step by step against its floors
        first = {s.step: s.seconds for s in steps} | {"total": sum(s.seconds for s in steps)}
        out: dict[str, Any] = {"generate": times, "first refresh": first,
                               "profile": profile.as_dicts([*steps, profile.total(steps)])}
        if not partial:  # the first refresh's profile only
            return out
        second = refresh_steps(config, url)
        out["second refresh (nothing new)"] = second
        share = {"second / first (target: at most 0.05)": second["total"] / first["total"]}
        for name, (file, years_back) in CHANGED.items():
            _change(Path(tmp) / file, years_back)
            after = refresh_steps(config, url)
            out[f"refresh after a new {name}"] = after
            share[f"after a new {name} / first (target: at most 0.40)"] = after["total"] / first["total"]
    return {**out, "ratio": share}


def main() -> None:
    """`python -m bench.refresh`: this benchmark alone (the demo county, a scratch database), its tables and ratios."""
    from rich.console import Console
    from rich.table import Table

    from bench.common import save, scratch_database

    console = Console(width=140)
    with scratch_database() as url:
        result = run(url)
    for title, times in result.items():
        if title in ("profile", "ratio"):
            continue
        table = Table("step", "seconds", title=title)
        for step, seconds in times.items():
            table.add_row(step, f"{seconds:.2f}")
        console.print(table)
    table = Table("refresh", "share of the first", title="ratios (one run)")
    for key, value in result["ratio"].items():
        table.add_row(key, f"{value:.3f}")
    console.print(table)
    console.print(f"results saved to {save('refresh_county', result)}")


if __name__ == "__main__":
    main()
