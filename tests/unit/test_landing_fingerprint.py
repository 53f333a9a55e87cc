"""A landing is found again only when the same code would read the file the same way: a source's options
(a column mapping, an extract date) are part of how it is read."""

from __future__ import annotations

from jsna.config import SourceEntry
from jsna.pipeline import read_as


def entry(**options: object) -> SourceEntry:
    return SourceEntry(name="cases", kind="ehcp_cases", path="cases.csv", **options)


def test_a_changed_column_mapping_reads_the_file_again() -> None:
    """Given a case file landed with one column mapping, when its mapping is corrected (same file), then it
    is not found as landed: the corrected mapping is read."""
    before = entry(columns={"request_date": "Date EHC Request Received"})
    after = entry(columns={"request_date": "Date of Request"})
    assert read_as(before) != read_as(after)
    assert read_as(entry(extract_date="2025-03-31")) != read_as(entry(extract_date="2025-04-30")) != read_as(entry())


def test_the_same_options_find_the_landing() -> None:
    """Given the same source declared twice with its options in another order, then it is read as one."""
    one = entry(columns={"request_date": "A", "dob": "B"}, extract_date="2025-03-31")
    two = entry(extract_date="2025-03-31", columns={"dob": "B", "request_date": "A"})
    assert read_as(one) == read_as(two)
    assert read_as(SourceEntry(name="cases", kind="waiting_list", path="cases.csv")) != read_as(entry())
