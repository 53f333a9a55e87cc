"""Titles and labels as the pages write them into sentences and legends."""

from __future__ import annotations

from dashboards.formatting import breakdown_label, in_sentence


def test_titles_in_a_sentence_keep_their_acronyms() -> None:
    assert in_sentence("Inequality in EHC plans by deprivation (SII)") == "inequality in EHC plans by deprivation (SII)"
    assert in_sentence("Health advice within 6 weeks") == "health advice within 6 weeks"
    assert in_sentence("NEET, plan holders 16-25") == "NEET, plan holders 16-25"
    assert in_sentence("Referrals per 10,000 aged 0-17") == "referrals per 10,000 aged 0-17"


def test_local_deprivation_deciles_name_their_ends() -> None:
    assert breakdown_label("local_imd_decile=1") == "Decile 1 (most deprived)"
    assert breakdown_label("local_imd_decile=5") == "Decile 5"
    assert breakdown_label("local_imd_decile=10") == "Decile 10 (least deprived)"
    assert breakdown_label("imd_decile=3") == "IMD decile 3"
