"""The SEN2 return reader beside its limit, in one run: a county-size return (20,000 children by default,
every module: person, requests, assessment, named plan and two plan details, active plans with a
placement and two needs, ceased plans, transfers in) generated in a temporary folder, then read
(median of 3) by
  - the limit: lxml.etree.iterparse alone, visiting every element's text and clearing each person;
  - jsna's reader of the return's modules (jsna.sources.sen2_return.read_modules);
  - the whole adapter (modules to rows: keyed children, ages, homes placed by postcode, screened).
The target: the module reader at least half the limit's speed (ratio limit / reader >= 0.5).

Usage: python -m bench.sen2_return [--children 20000] [--keep]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree
from rich.console import Console
from rich.table import Table

from bench.common import save
from jsna.geography.place import normalise_postcode
from jsna.sources import sen2_return
from jsna.sources.context import Placement, ReadContext
from jsna.sources.identity import Pseudonymiser

NEEDS = ("ASD", "SEMH", "SLCN", "MLD", "SPLD", "SLD", "PMLD", "PD", "HI", "VI", "MSI", "OTH")
POSTCODES = [f"XB{d} {s}AA" for d in range(10) for s in range(10)]


def _date(day: int) -> str:
    return str(np.datetime64("2010-01-01") + np.timedelta64(int(day), "D"))


def write_return(path: Path, children: int, seed: int = 2017) -> int:
    """A return of `children` persons with every module; returns the number of Requests written."""
    rng = np.random.default_rng(seed)
    requests = 0
    with path.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n<Header><CollectionDetails><Collection>SEN2'
                "</Collection><Year>2025</Year><ReferenceDate>2025-01-16</ReferenceDate></CollectionDetails>"
                "<Source><SourceLevel>L</SourceLevel><LEA>900</LEA></Source></Header>\n<Persons>\n")
        for i in range(children):
            dob = int(rng.integers(0, 4000))
            f.write(f"<Person>\n<Surname>Surname{i}</Surname>\n<Forename>Forename{i}</Forename>\n"
                    f"<PersonBirthDate>{_date(dob)}</PersonBirthDate>\n<Sex>{'MF'[i % 2]}</Sex>\n"
                    f"<Ethnicity>WBRI</Ethnicity>\n<PostCode>{POSTCODES[i % len(POSTCODES)]}</PostCode>\n"
                    f"<UPN>X{i:012d}</UPN>\n<UniqueLearnerNumber>{1000000000 + i}</UniqueLearnerNumber>\n")
            for r in range(1 + int(rng.random() < 0.15)):
                requests += 1
                received = dob + 1500 + int(rng.integers(0, 3000)) + 400 * r
                ceased = rng.random() < 0.1
                f.write(f"<Requests>\n<ReceivedDate>{_date(received)}</ReceivedDate>\n<RYA>false</RYA>\n"
                        f"<RequestOutcomeDate>{_date(received + 40)}</RequestOutcomeDate>\n"
                        "<RequestOutcome>Y</RequestOutcome>\n<Assessment>\n<AssessmentOutcome>Y</AssessmentOutcome>\n"
                        f"<AssessmentOutcomeDate>{_date(received + 100)}</AssessmentOutcomeDate>\n"
                        f"<Week20>{'true' if rng.random() < 0.05 else 'false'}</Week20>\n<NamedPlan>\n"
                        f"<StartDate>{_date(received + 130)}</StartDate>\n")
                for rank in (1, 2):
                    f.write(f"<PlanDetail>\n<URN>{900000 + i % 500}</URN>\n<PlacementRank>{rank}</PlacementRank>\n"
                            "<SENunitIndicator>false</SENunitIndicator>\n"
                            "<ResourcedProvisionIndicator>false</ResourcedProvisionIndicator>\n</PlanDetail>\n")
                if ceased:
                    f.write(f"<CeaseDate>{_date(received + 700)}</CeaseDate>\n<CeaseReason>2</CeaseReason>\n")
                f.write("</NamedPlan>\n</Assessment>\n<ActivePlans>\n")
                if rng.random() < 0.05:
                    f.write("<TransferLA>901</TransferLA>\n")
                f.write(f"<PlacementDetail>\n<URN>{900000 + i % 500}</URN>\n<PlacementRank>1</PlacementRank>\n"
                        f"<EntryDate>{_date(received + 130)}</EntryDate>\n<SENunitIndicator>false</SENunitIndicator>\n"
                        "<ResourcedProvisionIndicator>false</ResourcedProvisionIndicator>\n</PlacementDetail>\n")
                for rank, need in enumerate(rng.choice(NEEDS, 2, replace=False), start=1):
                    f.write(f"<SENneed>\n<SENtype>{need}</SENtype>\n<SENtypeRank>{rank}</SENtypeRank>\n</SENneed>\n")
                f.write(f"<ReviewMeeting>{_date(received + 500)}</ReviewMeeting>\n</ActivePlans>\n</Requests>\n")
            f.write("</Person>\n")
        f.write("</Persons>\n</Message>\n")
    return requests


def iterparse_alone(path: Path) -> int:
    """The limit: lxml's iterparse over the file, every element's text visited, each person cleared."""
    n = 0
    for _, person in etree.iterparse(str(path), events=("end",), tag="Person"):
        for el in person.iter():
            if el.text:
                n += 1
        person.clear()
        while person.getprevious() is not None:
            del person.getparent()[0]
    return n


def context() -> ReadContext:
    directory = pd.Series("X01000001", index=normalise_postcode(pd.Series(POSTCODES)).to_numpy())
    return ReadContext(Placement(vintage=2021, postcodes=directory, known={"X01000001"}),
                       Pseudonymiser(None, demo=True))


def medians(fns: dict[str, Callable[[], object]], repeat: int = 3) -> dict[str, float]:
    """Median seconds of each function, the functions taking turns (so that a busy machine slows each alike)."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for key, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[key].append(time.perf_counter() - start)
    return {k: statistics.median(v) for k, v in times.items()}


def run(children: int, folder: Path) -> dict[str, object]:
    path = folder / "sen2_return_bench.xml"
    requests = write_return(path, children)
    ctx = context()
    parsed = sen2_return.read(path, {}, ctx)
    assert len(parsed.frame) == requests, (len(parsed.frame), requests, parsed.quarantine["rule"].value_counts())
    m = medians({"limit": lambda: iterparse_alone(path), "modules": lambda: sen2_return.read_modules(path),
                 "adapter": lambda: sen2_return.read(path, {}, ctx)})
    limit, modules, adapter = m["limit"], m["modules"], m["adapter"]
    return {"children": children, "requests": requests, "megabytes": round(path.stat().st_size / 2**20, 1),
            "iterparse_alone_s": round(limit, 3), "module_reader_s": round(modules, 3),
            "whole_adapter_s": round(adapter, 3), "module_reader_speed_vs_limit": round(limit / modules, 3),
            "whole_adapter_speed_vs_limit": round(limit / adapter, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sen2_return")
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated return")
    args = parser.parse_args()
    if args.keep:
        result = run(args.children, Path(tempfile.mkdtemp(prefix="sen2_bench_")))
    else:
        with tempfile.TemporaryDirectory(prefix="sen2_bench_") as tmp:
            result = run(args.children, Path(tmp))
    table = Table("measure", "value", title="SEN2 return: jsna's reader beside lxml iterparse alone (median of 3)")
    for key, value in result.items():
        table.add_row(key, str(value))
    Console().print(table)
    Console().print(f"results saved to {save('bench_sen2_return', result)}")


if __name__ == "__main__":
    main()
