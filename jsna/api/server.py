"""`jsna api`: the read API served by uvicorn (one process; stopping the command stops the server)."""

from __future__ import annotations

import uvicorn

from jsna.api.app import create_app


def serve(port: int = 8000, address: str = "127.0.0.1", url: str | None = None, root_path: str = "") -> None:
    """Serve the API on address:port over the warehouse at `url` (default: the reader role's). Behind a
    reverse proxy that serves it under a prefix, give that prefix as `root_path`."""
    uvicorn.run(create_app(url), host=address, port=port, root_path=root_path, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", log_level="warning", access_log=False)
