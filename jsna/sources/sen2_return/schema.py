"""Check a return against the XSD of its collection year (schemas/, shipped with the package)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).with_name("schemas")
# One structure serves the 2023 to 2026 specifications.
BY_YEAR = {2023: "sen2.xsd", 2024: "sen2.xsd", 2025: "sen2.xsd", 2026: "sen2.xsd"}


@lru_cache(maxsize=4)
def schema(year: int) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / BY_YEAR[year])))


def schema_errors(path: Path, year: int) -> list[str]:
    """The schema's complaints about a return, each as 'line N: message' (empty when it is valid). lxml's
    messages quote the values they refuse: for tests and the analyst's own checks, never for the pipeline's
    messages or logs."""
    s = schema(year)
    doc = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    if s.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in s.error_log]
