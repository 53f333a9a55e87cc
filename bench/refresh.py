"""Wall time of each step of a demo refresh (the library steps the Prefect flow calls, in its order),
then of a second refresh of the same files, configuration and code (which, as the flow does, finds nothing to
rebuild and keeps what is published), and the second's share of the first's time."""

from __future__ import annotations

import tempfile
from pathlib import Path

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
        with timed(t, "build core"):
            pipeline.build_core(run)
        with timed(t, "compute indicators"):
            values = pipeline.compute_indicators(run, cfg)
        with timed(t, "publish (disclosure control)"):
            pipeline.publish(run, cfg, values)
        with timed(t, "plan places (forecasts, sufficiency, access)"):
            pipeline.plan_places(run, cfg)
        with timed(t, "commit (atomic swap)"):
            pipeline.commit(run)
    except BaseException as exc:
        pipeline.abort(run, exc)
        raise
    t["total"] = sum(t.values())
    return t


def run(url: str, scale: str = "county") -> dict[str, dict[str, float]]:
    from jsna.demo import generate

    with tempfile.TemporaryDirectory() as tmp:
        times: dict[str, float] = {}
        with timed(times, "generate"):
            config = generate(Path(tmp), scale=scale)  # type: ignore[arg-type]
        first = refresh_steps(config, url)
        second = refresh_steps(config, url)
    share = {"second / first (target: at most 0.05)": second["total"] / first["total"]}
    return {"generate": times, "first refresh": first, "second refresh (nothing new)": second, "ratio": share}
