"""A printed map's sources line: each source's publisher and files, and the copyright lines they require."""

from __future__ import annotations

from datetime import UTC, datetime

from jsna.publish.attribution import attribution, kinds_behind


def test_each_source_is_named_with_its_publisher_files_and_copyright() -> None:
    loaded = datetime(2025, 3, 1, tzinfo=UTC)
    rows = [{"kind": "boundaries", "file_name": "lad23.gpkg", "loaded_at": loaded},
            {"kind": "boundaries", "file_name": "lsoa21.gpkg", "loaded_at": loaded},
            {"kind": "ees_ehcp", "file_name": "sen2_la.csv", "loaded_at": loaded},
            {"kind": "postcodes", "file_name": "onspd.csv", "loaded_at": loaded}]
    text = attribution(rows)
    assert text.startswith("Sources: Office for National Statistics, boundaries (lad23.gpkg, lsoa21.gpkg); "
                           "Department for Education, Education, health and care plans (sen2_la.csv); ")
    assert "Contains OS data © Crown copyright and database right 2025." in text
    assert "Contains Royal Mail data © Royal Mail copyright and database right 2025." in text
    assert text.endswith("Open Government Licence v3.0.") and "jsna warehouse" not in text


def test_placed_records_bring_the_postcodes_and_every_map_its_boundaries() -> None:
    assert kinds_behind(["ees_ehcp"]) == ["ees_ehcp", "boundaries"]
    assert kinds_behind(["waiting_list", " ehcp_cases"]) == ["waiting_list", "ehcp_cases", "boundaries", "postcodes"]
