"""Small hand-made SEN2 returns for tests: a person with one request and, as asked, its assessment, plan,
cease, active plan (with the authority it was transferred in from) and need. Elements in DfE's order."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.geography.place import normalise_postcode
from jsna.sources.context import Placement, ReadContext
from jsna.sources.identity import Pseudonymiser

AUTHORITY = "X10000001"
POSTCODES = {"XA1 1AA": "X01000001", "XB2 2BB": "X01000002"}


def context(authority: str | None = AUTHORITY) -> ReadContext:
    """Two postcodes in two LSOAs, the demo key, and the configured authority."""
    directory = pd.Series(list(POSTCODES.values()), index=normalise_postcode(pd.Series(list(POSTCODES))).to_numpy())
    return ReadContext(Placement(vintage=2021, postcodes=directory, known=set(POSTCODES.values())),
                       Pseudonymiser(None, demo=True), authority)


def request(received: str = "", outcome: str = "Y", decided: str = "", assessed: str = "", assessment: str = "",
            start: str = "", ceased: str = "", reason: str = "", transfer_la: str = "", need: str = "ASD") -> str:
    def item(tag: str, value: str) -> str:
        return f"<{tag}>{value}</{tag}>" if value else ""

    plan = ""
    if start:
        plan = (f"<NamedPlan>{item('StartDate', start)}{item('CeaseDate', ceased)}{item('CeaseReason', reason)}"
                "<PlanDetail><SENSetting>EYP</SENSetting><PlacementRank>1</PlacementRank></PlanDetail></NamedPlan>")
    assess = ""
    if assessment:
        assess = (f"<Assessment>{item('AssessmentOutcome', assessment)}{item('AssessmentOutcomeDate', assessed)}"
                  f"<Week20>false</Week20>{plan}</Assessment>")
    active = ""
    if start and not ceased:
        active = (f"<ActivePlans>{item('TransferLA', transfer_la)}<PlacementDetail><SENSetting>EYP</SENSetting>"
                  f"<PlacementRank>1</PlacementRank><EntryDate>{start}</EntryDate></PlacementDetail><SENneed><SENtype>{need}</SENtype>"
                  "<SENtypeRank>1</SENtypeRank></SENneed></ActivePlans>")
    return (f"<Requests>{item('ReceivedDate', received)}{item('RequestOutcomeDate', decided)}"
            f"{item('RequestOutcome', outcome)}{assess}{active}</Requests>")


def person(upn: str, postcode: str = "", dob: str = "2012-03-04", *requests: str) -> str:
    return (f"<Person><Surname>Quillfeather</Surname><Forename>Marigold</Forename><PersonBirthDate>{dob}"
            f"</PersonBirthDate><Sex>F</Sex><Ethnicity>WBRI</Ethnicity>"
            f"{f'<PostCode>{postcode}</PostCode>' if postcode else ''}<UPN>{upn}</UPN>{''.join(requests)}</Person>")


def write(path: Path, year: int, *persons: str, la: str = "900") -> Path:
    header = (f"<Header><CollectionDetails><Collection>SEN2</Collection><Year>{year}</Year>"
              f"<ReferenceDate>{year}-01-16</ReferenceDate></CollectionDetails><Source><LEA>{la}</LEA></Source>"
              "</Header>")
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n{header}\n<Persons>\n' + "\n".join(persons)
                    + "\n</Persons>\n</Message>\n", encoding="utf-8")
    return path
