"""The API's documentation page, written here from its OpenAPI description: plain HTML with no script, style
sheet or font from anywhere else (FastAPI's default /docs loads Swagger UI from a CDN; it is switched off)."""

from __future__ import annotations

from html import escape
from typing import Any


def _param(p: dict[str, Any]) -> str:
    schema = p.get("schema", {})
    kind = schema.get("type") or " or ".join(s.get("type", "") for s in schema.get("anyOf", []) if s.get("type"))
    bounds = ", ".join(f"{k} {schema[k]}" for k in ("minimum", "maximum", "enum", "default") if k in schema)
    return (f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
            f"<td>{'yes' if p.get('required') else 'no'}</td><td>{escape(kind)}</td><td>{escape(bounds)}</td>"
            f"<td>{escape(p.get('description', ''))}</td></tr>")


def page(openapi: dict[str, Any]) -> str:
    """Every path and method with its summary, description and parameters."""
    info = openapi.get("info", {})
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(info.get('title', ''))}"
             "</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
             "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em;text-align:left}"
             "code{background:#eee}</style></head><body>",
             f"<h1>{escape(info.get('title', ''))} {escape(info.get('version', ''))}</h1>",
             f"<p>{escape(info.get('description', ''))}</p>",
             "<p>Machine-readable description: <a href='openapi.json'>openapi.json</a>.</p>"]
    for path, methods in openapi.get("paths", {}).items():
        for method, op in methods.items():
            parts.append(f"<h2 id='{escape(op.get('operationId', path))}'><code>{method.upper()} {escape(path)}"
                         f"</code></h2><p><b>{escape(op.get('summary', ''))}</b></p>"
                         f"<p>{escape(op.get('description', ''))}</p>")
            params = op.get("parameters", [])
            if params:
                parts.append("<table><tr><th>parameter</th><th>in</th><th>required</th><th>type</th>"
                             "<th>limits</th><th>meaning</th></tr>" + "".join(_param(p) for p in params) + "</table>")
    parts.append("</body></html>")
    return "".join(parts)
