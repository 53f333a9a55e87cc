"""Response bodies and their negotiation: JSON (default), CSV (spreadsheet-safe, jsna.publish.csvsafe) or
Parquet, chosen by `?format=` or else the Accept header; GeoJSON for geometry. Every body and its headers name
the refresh run (X-JSNA-Run), and the ETag is keyed on the run and the request, so a client's cached copy
stays good until the next refresh."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal
from typing import Any

import orjson
import pandas as pd
from starlette.requests import Request
from starlette.responses import Response

from jsna.api.snapshot import Rows, Run
from jsna.publish.csvsafe import to_csv

FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8",
           "parquet": "application/vnd.apache.parquet"}
ACCEPTED = {"text/csv": "csv", "application/vnd.apache.parquet": "parquet", "application/x-parquet": "parquet",
            "application/parquet": "parquet", "application/json": "json"}
GEOJSON = "application/geo+json"
CACHE_CONTROL = "public, no-cache"  # keep it, but ask again each time: a 304 costs one small query


def negotiate(request: Request, fmt: str | None) -> str:
    """The format asked for: ?format= first, else the first known type of the Accept header, else JSON."""
    if fmt is not None:
        return fmt
    for part in request.headers.get("accept", "").split(","):
        kind = part.split(";")[0].strip().lower()
        if kind in ACCEPTED:
            return ACCEPTED[kind]
    return "json"


def etag(run: Run, request: Request, fmt: str) -> str:
    """A strong ETag: the run, then a digest of the path, the query and the format."""
    key = f"{request.url.path}?{request.url.query}#{fmt}".encode()
    return f'"run-{run.run_id}-{hashlib.sha256(key).hexdigest()[:16]}"'


def not_modified(request: Request, tag: str) -> bool:
    asked = request.headers.get("if-none-match")
    return asked is not None and (asked.strip() == "*" or tag in [t.strip() for t in asked.split(",")])


def headers(run: Run, tag: str, next_url: str | None = None) -> dict[str, str]:
    out = {"ETag": tag, "Cache-Control": CACHE_CONTROL, "X-JSNA-Run": str(run.run_id), "Vary": "Accept"}
    if next_url:
        out["Link"] = f'<{next_url}>; rel="next"'
    return out


def _other(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not written to JSON")


def json_body(payload: dict[str, Any]) -> bytes:
    """JSON (orjson: times as ISO 8601, NaN as null, as no published value is NaN)."""
    return orjson.dumps(payload, default=_other)


def table_response(rows: Rows, fmt: str, run: Run, tag: str, extra: dict[str, Any] | None = None,
                   next_url: str | None = None) -> Response:
    """Rows as JSON ({run, ..., rows: [...]}), CSV or Parquet (the run in the headers, and in Parquet's
    metadata too)."""
    hdrs = headers(run, tag, next_url)
    if fmt == "json":
        payload = {"run": run.as_dict(), **(extra or {}), "rows": rows.records()}
        return Response(json_body(payload), media_type=FORMATS["json"], headers=hdrs)
    frame = pd.DataFrame.from_records(rows.rows, columns=rows.columns)
    if fmt == "csv":
        for column in frame.columns:  # arrays (an indicator's periods, an area's parents) as a;b;c
            if frame[column].map(lambda v: isinstance(v, list)).any():
                frame[column] = frame[column].map(lambda v: ";".join(map(str, v)) if isinstance(v, list) else v)
        return Response(to_csv(frame).encode(), media_type=FORMATS["csv"], headers=hdrs)
    return Response(parquet_bytes(frame, run), media_type=FORMATS["parquet"], headers=hdrs)


def parquet_bytes(frame: pd.DataFrame, run: Run) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = {**(table.schema.metadata or {}), b"jsna_run": orjson.dumps(run.as_dict())}
    out = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), out)
    return out.getvalue()


def geojson_response(rows: Rows, run: Run, tag: str, single: bool = False, next_url: str | None = None) -> Response:
    """Areas (their GeoJSON geometry text in `geometry`) as a FeatureCollection, or one Feature; WGS84."""
    features = []
    for record in rows.records():
        geometry = record.pop("geometry")
        features.append({"type": "Feature", "id": record["area_code"],  # the geometry as PostGIS wrote it
                         "geometry": orjson.Fragment(geometry) if geometry else None, "properties": record})
    body: dict[str, Any] = features[0] if single else {"type": "FeatureCollection", "features": features}
    body = {**body, "run": run.as_dict()}  # a foreign member (RFC 7946, 6.1)
    return Response(json_body(body), media_type=GEOJSON, headers=headers(run, tag, next_url))
