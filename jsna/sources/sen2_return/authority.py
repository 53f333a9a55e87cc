"""The authority a SEN2 return is from, as a GSS code: its header's LA (Header/Source/LEA) is DfE's
three-digit LA number, a GSS code, or both; a number is mapped through DfE's own list
(jsna.geography.la_numbers). A header without either leaves the configured area. The synthetic demo's
numbers are none of DfE's: read with the demo's key (only ever allowed for the demo's areas), a number
DfE's list does not hold leaves the configured area too."""

from __future__ import annotations

import re
from pathlib import Path

from jsna.errors import SourceError
from jsna.geography.la_numbers import gss_of_la_number
from jsna.sources.context import ReadContext

GSS = re.compile(r"[A-Z]\d{8}")
NUMBER = re.compile(r"\d{3}")


def split_la(la: str) -> tuple[str | None, str | None]:
    """(LA number, GSS code) as the header gives them, each None where it is not given."""
    words = re.split(r"[\s,;/|]+", (la or "").strip().upper())
    number = next((w for w in words if NUMBER.fullmatch(w)), None)
    gss = next((w for w in words if GSS.fullmatch(w)), None)
    return number, gss


def authority(path: Path | str, la: str, context: ReadContext) -> str | None:
    """GSS code of the return's authority. An LA number DfE's list does not hold stops the read (one
    sentence naming the file and the number), except in the demo; a number and a code that name two
    authorities stop it too."""
    number, gss = split_la(la)
    mapped = gss_of_la_number(number) if number else None
    demo = context.pseudonymiser is not None and context.pseudonymiser.demo
    if number and mapped is None and not demo:
        raise SourceError(path, f"its header's LA number (Header/Source/LEA) is {number}, which is not in DfE's "
                                "list of local authority numbers; is it the authority's three-digit DfE number?")
    if gss and mapped and gss != mapped:
        raise SourceError(path, f"its header gives LA number {number} (DfE's code {mapped}) and the GSS code {gss}, "
                                "two different authorities.")
    return gss or mapped or context.authority
