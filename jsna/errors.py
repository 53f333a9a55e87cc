"""Errors a user can act on: each carries one clear sentence, shown without a traceback."""

from __future__ import annotations


class JsnaError(Exception):
    """Base of every error the CLI reports as a single sentence with a non-zero exit."""

    exit_code = 1


class ConfigError(JsnaError):
    """The settings or jsna.toml are missing, malformed or inconsistent."""


class DatabaseError(JsnaError):
    """The warehouse database cannot be reached, started or migrated."""


class SourceError(JsnaError):
    """A source file cannot be read as its declared kind (stops that file)."""

    def __init__(self, path: object, message: str) -> None:
        self.path = str(path)
        super().__init__(f"{self.path}: {message}")


class RefreshError(JsnaError):
    """A refresh could not complete; the published data were left as they were."""


class ExportError(JsnaError):
    """An export cannot be produced from the published data."""
