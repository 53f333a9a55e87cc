"""The routes of the read API. Each response is read in one snapshot (jsna.api.snapshot) and names its run;
tabular ones come as JSON, CSV or Parquet, geometry as GeoJSON. Unknown ids give 404 naming the list to
look in; bad or unknown parameters give 422 naming them; pages are bounded; every value is bound."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

import psycopg
import sqlalchemy as sa
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from jsna import __version__
from jsna.api import docs, formats
from jsna.api.snapshot import LOCK_WAIT_MS, TIMEOUT_MS, NotPublished, Rows, Snapshot, snapshot
from jsna.warehouse import models
from jsna.warehouse.engine import get_engine, reader_url

LIMIT_DEFAULT = 1000
LIMIT_MAX = 10_000
Format = Annotated[Literal["json", "csv", "parquet"] | None,
                   Query(alias="format", description="json, csv or parquet (default: from Accept, else json)")]
Text = Annotated[str | None, Query(max_length=100)]
DESCRIPTION = ("The published figures of the joint strategic needs assessment, read-only. Every response names the "
               "refresh run it was read from (X-JSNA-Run, and `run` in JSON bodies) and carries an ETag keyed on "
               "it: send If-None-Match to get 304 until the next refresh.")


class Problem(Exception):
    """A request that names something not published (404) or asks the impossible (422)."""

    def __init__(self, status: int, detail: str, **more: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.more = status, detail, more


class Page:
    """?limit= (1 to LIMIT_MAX) and ?offset= of a paged list."""

    def __init__(self, limit: Annotated[int, Query(ge=1, le=LIMIT_MAX, description="Rows per page.")] = LIMIT_DEFAULT,
                 offset: Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip.")] = 0) -> None:
        self.limit, self.offset = limit, offset

    def params(self) -> dict[str, int]:
        return {"limit": self.limit + 1, "offset": self.offset}  # one more: whether there is a next page

    def cut(self, rows: Rows, request: Request) -> tuple[Rows, dict[str, Any], str | None]:
        more = len(rows.rows) > self.limit
        next_url = str(request.url.include_query_params(offset=self.offset + self.limit)) if more else None
        paging = {"limit": self.limit, "offset": self.offset, "returned": min(len(rows.rows), self.limit),
                  "next": next_url}
        return Rows(rows.columns, rows.rows[: self.limit]), {"paging": paging}, next_url


def _query_names(dependant: Any) -> set[str]:
    """The query parameters an endpoint takes, its dependencies' included."""
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def no_unknown_parameters(request: Request) -> None:
    """422 for a query parameter the endpoint does not take (a misspelt filter would otherwise be ignored)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _query_names(dependant)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise Problem(422, f"Unknown parameter(s): {', '.join(unknown)}; this endpoint takes: "
                           f"{', '.join(sorted(known)) or 'none'}.", parameters=unknown)


def create_app(url: str | None = None) -> FastAPI:
    """The API over the warehouse at `url` (default: the reader role's, jsna_reader)."""
    engine = get_engine(url or reader_url())
    app = FastAPI(title="jsna API", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None,
                  swagger_ui_oauth2_redirect_url=None, dependencies=[Depends(no_unknown_parameters)])

    @app.exception_handler(Problem)
    def _problem(request: Request, exc: Problem) -> JSONResponse:
        return JSONResponse({"detail": exc.detail, **exc.more}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        named = [(str(e["loc"][-1]), e["msg"]) for e in exc.errors() if e.get("loc")]
        return JSONResponse({"detail": "Bad parameter(s): " + "; ".join(f"{n}: {m}" for n, m in named) + ".",
                             "parameters": sorted({n for n, _ in named})}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = "No such endpoint: see / for the list." if exc.status_code == 404 else str(exc.detail)
        return JSONResponse({"detail": detail, **({"see": "/"} if exc.status_code == 404 else {})},
                            status_code=exc.status_code)

    @app.exception_handler(psycopg.errors.QueryCanceled)
    @app.exception_handler(psycopg.errors.LockNotAvailable)
    @app.exception_handler(sa.exc.OperationalError)
    def _too_long(request: Request, exc: Exception) -> JSONResponse:
        cause = getattr(exc, "orig", exc)
        if isinstance(cause, psycopg.errors.LockNotAvailable):
            return JSONResponse({"detail": f"A refresh has been publishing new figures for over {LOCK_WAIT_MS // 1000}"
                                           " s: ask again in a minute."}, status_code=503,
                                headers={"Retry-After": "60"})
        if not isinstance(cause, psycopg.errors.QueryCanceled):
            raise exc
        return JSONResponse({"detail": f"The read took longer than {TIMEOUT_MS // 1000} s and was stopped: ask for "
                                       "fewer rows (limit) or filter them."}, status_code=503)

    @app.exception_handler(NotPublished)
    def _unpublished(request: Request, exc: NotPublished) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    def respond(request: Request, fmt: str | None, read: Callable[[Snapshot], tuple[Rows, dict[str, Any], str | None]],
                geo: Literal["", "one", "many"] = "") -> Response:
        """Read in one snapshot and answer: 304 when the client's ETag is the run's, else the rows."""
        chosen = "geojson" if geo else formats.negotiate(request, fmt)
        with snapshot(engine) as snap:
            tag = formats.etag(snap.run, request, chosen)
            if formats.not_modified(request, tag):
                return Response(status_code=304, headers=formats.headers(snap.run, tag))
            rows, extra, next_url = read(snap)
        if geo:
            return formats.geojson_response(rows, snap.run, tag, single=geo == "one", next_url=next_url)
        return formats.table_response(rows, chosen, snap.run, tag, extra, next_url)

    def whole(rows: Rows) -> tuple[Rows, dict[str, Any], str | None]:
        return rows, {}, None

    # -- checks: what a request names must be published ----------------------------------------------
    def indicator_row(snap: Snapshot, indicator: str) -> Rows:
        rows = snap.rows("indicators", id=indicator, limit=1, offset=0)
        if not rows.rows:
            raise Problem(404, f"No published indicator '{indicator}': see /indicators for the list.",
                          see="/indicators")
        return rows

    def found(snap: Snapshot, name: str, **params: Any) -> bool:
        return bool(snap.rows(name, **params).rows[0][0])

    def check_area(snap: Snapshot, code: str | None) -> None:
        if code is not None and not found(snap, "area_exists", code=code):
            raise Problem(404, f"No published area '{code}': see /areas?level=... for the list.", see="/areas")

    def check_level(snap: Snapshot, level: str | None, in_path: bool = False) -> None:
        if level is None or found(snap, "level_exists", level=level):
            return
        if in_path:
            raise Problem(404, f"No published level '{level}': see /levels for the list.", see="/levels")
        levels = [r[0] for r in snap.rows("levels").rows]
        raise Problem(422, f"Bad parameter(s): level: '{level}' is not a published level; one of "
                           f"{', '.join(levels)} (see /levels).", parameters=["level"])

    def check_filters(snap: Snapshot, indicator: str, level: str | None, area: str | None,
                      period: str | None) -> None:
        """The indicator, level, area and period a figures or comparisons request names: each published."""
        indicator_row(snap, indicator)
        check_level(snap, level)
        check_area(snap, area)
        check_period(snap, indicator, period)

    def check_period(snap: Snapshot, indicator: str, period: str | None) -> None:
        if period is not None and not found(snap, "period_exists", id=indicator, period=period):
            raise Problem(404, f"Indicator '{indicator}' is not published for period '{period}': see "
                               f"/indicators/{indicator} for its periods.", see=f"/indicators/{indicator}")

    # -- routes ----------------------------------------------------------------------------------------
    @app.get("/", summary="The endpoints and the run the figures come from")
    def index(request: Request) -> Response:
        with snapshot(engine) as snap:
            run = snap.run
        tag = formats.etag(run, request, "json")
        if formats.not_modified(request, tag):
            return Response(status_code=304, headers=formats.headers(run, tag))
        paths = sorted({r.path for r in app.routes if getattr(r, "include_in_schema", False)})  # type: ignore[attr-defined]
        return Response(formats.json_body({"run": run.as_dict(), "docs": "docs", "openapi": "openapi.json",
                                           "endpoints": paths}), media_type="application/json",
                        headers=formats.headers(run, tag))

    @app.get("/docs", include_in_schema=False)
    def documentation() -> HTMLResponse:
        return HTMLResponse(docs.page(app.openapi()))

    @app.get("/runs", summary="Refreshes, newest first",
             description="Every refresh (published.runs): start, finish, status, reason and files.")
    def runs(request: Request, page: Annotated[Page, Depends()], fmt: Format = None) -> Response:
        return respond(request, fmt, lambda s: page.cut(s.rows("runs", **page.params()), request))

    @app.get("/indicators", summary="The indicator catalogue",
             description="Definitions, units, polarity, method, sources and caveats of every published indicator.")
    def indicators(request: Request, page: Annotated[Page, Depends()], fmt: Format = None) -> Response:
        return respond(request, fmt, lambda s: page.cut(s.rows("indicators", id=None, **page.params()), request))

    @app.get("/indicators/{indicator_id}", summary="One indicator: its metadata and what it is published for",
             description="The catalogue row, and each level and breakdown with its periods (`coverage`); in "
                         "CSV or Parquet, the coverage rows.")
    def indicator(request: Request, indicator_id: str, fmt: Format = None) -> Response:
        def read(snap: Snapshot) -> tuple[Rows, dict[str, Any], str | None]:
            meta = indicator_row(snap, indicator_id).records()[0]
            rows = snap.rows("indicator_coverage", id=indicator_id)  # worked out once per build
            return rows, {"indicator": meta}, None
        return respond(request, fmt, read)

    @app.get("/levels", summary="The area levels published, with how many areas each has")
    def levels(request: Request, fmt: Format = None) -> Response:
        return respond(request, fmt, lambda s: whole(s.rows("levels")))

    @app.get("/levels/{level}/geometry", summary="The boundaries of a level's areas (GeoJSON, WGS84)",
             description="Simplified per level as the dashboards' maps are; paged.")
    def level_geometry(request: Request, level: str, page: Annotated[Page, Depends()]) -> Response:
        def read(snap: Snapshot) -> tuple[Rows, dict[str, Any], str | None]:
            check_level(snap, level, in_path=True)
            query = models.area_shapes(level=level).limit(page.limit + 1).offset(page.offset)
            return page.cut(snap.select(query), request)
        return respond(request, None, read, geo="many")

    @app.get("/areas", summary="Areas by level, with the areas each lies in",
             description="`parent_code` is the direct parent; `parent_levels`/`parent_codes` every area above.")
    def areas(request: Request, page: Annotated[Page, Depends()], level: Text = None, fmt: Format = None) -> Response:
        def read(snap: Snapshot) -> tuple[Rows, dict[str, Any], str | None]:
            check_level(snap, level)
            return page.cut(snap.rows("areas", level=level, code=None, **page.params()), request)
        return respond(request, fmt, read)

    @app.get("/areas/{area_code}", summary="One area and the areas it lies in")
    def area(request: Request, area_code: str, fmt: Format = None) -> Response:
        def read(snap: Snapshot) -> tuple[Rows, dict[str, Any], str | None]:
            check_area(snap, area_code)
            return whole(snap.rows("areas", level=None, code=area_code, limit=10, offset=0))
        return respond(request, fmt, read)

    @app.get("/areas/{area_code}/geometry", summary="One area's boundary (GeoJSON Feature, WGS84)")
    def area_geometry(request: Request, area_code: str) -> Response:
        def read(snap: Snapshot) -> tuple[Rows, dict[str, Any], str | None]:
            check_area(snap, area_code)
            return whole(snap.select(models.area_shapes(code=area_code).limit(1)))
        return respond(request, None, read, geo="one")

    @app.get("/figures", summary="Published figures of one indicator",
             description="By level, area, period and breakdown (each optional). A suppressed figure has no "
                         "numerator or value and the symbol `c`, as published.")
    def figures(request: Request, page: Annotated[Page, Depends()],
                indicator: Annotated[str, Query(max_length=100, description="Indicator id (see /indicators).")],
                level: Text = None, area: Text = None, period: Text = None, breakdown: Text = None,
                fmt: Format = None) -> Response:
        def read(snap: Snapshot) -> tuple[Rows, dict[str, Any], str | None]:
            check_filters(snap, indicator, level, area, period)
            return page.cut(snap.rows("figures", indicator=indicator, level=level, area=area, period=period,
                                      breakdown=breakdown, **page.params()), request)
        return respond(request, fmt, read)

    @app.get("/comparisons", summary="Published comparisons of one indicator",
             description="Against England, the region, the parent, statistical neighbours or a target; "
                         "or NHS England's published figures (England's, a sub-ICB's or an ICB's own).")
    def comparisons(request: Request, page: Annotated[Page, Depends()],
                    indicator: Annotated[str, Query(max_length=100, description="Indicator id (see /indicators).")],
                    level: Text = None, area: Text = None, period: Text = None, breakdown: Text = None,
                    comparator: Annotated[Literal["england", "region", "parent", "neighbours", "target",
                                                  "nhs_england", "nhs_sub_icb", "nhs_icb"] | None, Query()] = None,
                    fmt: Format = None) -> Response:
        def read(snap: Snapshot) -> tuple[Rows, dict[str, Any], str | None]:
            check_filters(snap, indicator, level, area, period)
            return page.cut(snap.rows("comparisons", indicator=indicator, level=level, area=area, period=period,
                                      breakdown=breakdown, comparator=comparator, **page.params()), request)
        return respond(request, fmt, read)

    @app.get("/forecasts", summary="Published demand forecasts",
             description="Every measure, area, breakdown and year on; withheld rows as published (symbol `c`).")
    def forecasts(request: Request, page: Annotated[Page, Depends()], measure: Text = None, level: Text = None,
                  area: Text = None, topic: Text = None, fmt: Format = None) -> Response:
        def read(snap: Snapshot) -> tuple[Rows, dict[str, Any], str | None]:
            check_level(snap, level)
            check_area(snap, area)
            return page.cut(snap.rows("forecasts", measure=measure, level=level, area=area, topic=topic,
                                      **page.params()), request)
        return respond(request, fmt, read)

    @app.get("/sufficiency", summary="Special school place sufficiency",
             description="Forecast demand against places by district, need, provision and year.")
    def sufficiency(request: Request, page: Annotated[Page, Depends()], area: Text = None, need: Text = None,
                    provision: Text = None, fmt: Format = None) -> Response:
        def read(snap: Snapshot) -> tuple[Rows, dict[str, Any], str | None]:
            check_area(snap, area)
            return page.cut(snap.rows("sufficiency", area=area, need=need, provision=provision, **page.params()),
                            request)
        return respond(request, fmt, read)

    @app.get("/alerts", summary="Alerts over published figures", description="Open ones first, then the history.")
    def alerts(request: Request, page: Annotated[Page, Depends()],
               status: Annotated[Literal["open", "closed"] | None, Query()] = None, fmt: Format = None) -> Response:
        return respond(request, fmt, lambda s: page.cut(s.rows("alerts", status=status, **page.params()), request))

    return app
