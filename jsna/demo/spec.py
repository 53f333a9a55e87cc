"""Sizes and calibration targets of the synthetic demo place, one `ScaleSpec` per scale."""

from __future__ import annotations

from dataclasses import dataclass, field

FIRST_YEAR = 2015
LAST_YEAR = 2025
IMD_LSOAS = 32_844  # LSOAs ranked by the English IMD 2019

# Hampshire 2017 JSNA shape: maintained plans (statements + EHC plans) on each January census date.
COUNTY_CASELOAD: dict[int, float] = {
    2014: 4_850, 2015: 5_650, 2016: 6_450, 2017: 7_274, 2018: 7_950, 2019: 8_650, 2020: 9_400,
    2021: 10_600, 2022: 12_300, 2023: 14_300, 2024: 16_100, 2025: 17_800, 2026: 19_400,
}
# England (SEN2): statements + plans, January of each year.
ENGLAND_CASELOAD: dict[int, float] = {
    2014: 237_000, 2015: 240_000, 2016: 256_000, 2017: 287_000, 2018: 320_000, 2019: 354_000,
    2020: 390_000, 2021: 431_000, 2022: 473_000, 2023: 517_000, 2024: 576_000, 2025: 639_000,
    2026: 700_000,
}
# Share of new plans issued within 20 weeks, by calendar year of issue.
COUNTY_TIMELINESS: dict[int, float] = {
    2014: 0.30, 2015: 0.25, 2016: 0.09, 2017: 0.045, 2018: 0.30, 2019: 0.60, 2020: 0.68, 2021: 0.72,
    2022: 0.70, 2023: 0.75, 2024: 0.41, 2025: 0.50, 2026: 0.50,
}
ENGLAND_TIMELINESS: dict[int, float] = {
    2014: 0.60, 2015: 0.62, 2016: 0.56, 2017: 0.65, 2018: 0.60, 2019: 0.60, 2020: 0.58, 2021: 0.60,
    2022: 0.50, 2023: 0.50, 2024: 0.46, 2025: 0.47, 2026: 0.47,
}
# School census: % of pupils with an EHC plan and on SEN support (county), by January of the year.
COUNTY_EHC_PUPIL_PCT: dict[int, float] = {
    2016: 2.8, 2017: 2.9, 2018: 3.0, 2019: 3.15, 2020: 3.35, 2021: 3.6, 2022: 3.9, 2023: 4.2,
    2024: 4.5, 2025: 4.8,
}
COUNTY_SEN_SUPPORT_PCT: dict[int, float] = {
    2016: 11.2, 2017: 11.0, 2018: 11.1, 2019: 11.5, 2020: 11.8, 2021: 12.1, 2022: 12.5, 2023: 12.9,
    2024: 13.2, 2025: 13.5,
}
# Waiting-list referrals a year per 1,000 residents aged 0-17 (county: ~283,000 children).
REFERRALS_PER_1000: dict[str, dict[int, float]] = {
    "ASC": {2015: 3.8, 2016: 4.0, 2017: 4.2, 2018: 4.5, 2019: 4.9, 2020: 4.7, 2021: 5.7, 2022: 6.3,
            2023: 7.0, 2024: 7.6, 2025: 7.9},
    "ADHD": {2015: 2.8, 2016: 2.9, 2017: 3.1, 2018: 3.3, 2019: 3.5, 2020: 3.5, 2021: 4.4, 2022: 5.3,
             2023: 6.4, 2024: 7.2, 2025: 7.8},
    "CAMHS": {2015: 15.0, 2016: 15.2, 2017: 15.4, 2018: 15.6, 2019: 15.9, 2020: 14.1, 2021: 16.6,
              2022: 16.9, 2023: 16.8, 2024: 16.6, 2025: 16.5},
}
# Median weeks from referral to completed assessment (before a district's multiplier), by referral year.
WAIT_WEEKS: dict[str, dict[int, float]] = {
    "ASC": {2015: 16, 2016: 17, 2017: 18, 2018: 19, 2019: 21, 2020: 26, 2021: 30, 2022: 34, 2023: 36,
            2024: 38, 2025: 40},
    "ADHD": {2015: 18, 2016: 19, 2017: 20, 2018: 21, 2019: 23, 2020: 28, 2021: 33, 2022: 38, 2023: 44,
             2024: 50, 2025: 54},
    "CAMHS": {2015: 7, 2016: 7, 2017: 8, 2018: 8, 2019: 9, 2020: 12, 2021: 14, 2022: 15, 2023: 14,
              2024: 13, 2025: 13},
}


@dataclass(frozen=True)
class ScaleSpec:
    """How big the synthetic place is and what it is calibrated to."""

    name: str
    project_name: str
    centre: tuple[float, float]
    radius: float  # metres, before the outline's perturbation
    n_lsoa: int
    n_towns: int
    urban_share: float  # share of LSOA seed points drawn around towns
    lsoa_pop: tuple[float, float]  # uniform range of LSOA populations (2021)
    n_regions: int
    n_counties: int
    n_unitaries: int
    county_lsoas: tuple[int, int]  # LSOAs in a (non-Demoshire) county
    demoshire_lsoas: int
    demoshire_districts: int
    caseload: dict[int, float] = field(default_factory=dict)  # total over every authority
    university_towns: int = 1


COUNTY = ScaleSpec(
    name="county", project_name="Demoshire", centre=(460_000.0, 120_000.0), radius=48_000.0,
    n_lsoa=850, n_towns=14, urban_share=0.62, lsoa_pop=(1_450.0, 1_800.0), n_regions=1, n_counties=1,
    n_unitaries=0, county_lsoas=(850, 850), demoshire_lsoas=850, demoshire_districts=11,
    caseload=COUNTY_CASELOAD, university_towns=1,
)

ENGLAND = ScaleSpec(
    name="england", project_name="Demo England", centre=(430_000.0, 330_000.0), radius=262_000.0,
    n_lsoa=IMD_LSOAS, n_towns=420, urban_share=0.6, lsoa_pop=(1_500.0, 1_900.0), n_regions=9,
    n_counties=24, n_unitaries=129, county_lsoas=(330, 800), demoshire_lsoas=850, demoshire_districts=11,
    caseload=ENGLAND_CASELOAD, university_towns=30,
)

# A small place for fast tests (determinism); calibrated like the county, per resident.
TINY = ScaleSpec(
    name="tiny", project_name="Demoshire", centre=(460_000.0, 120_000.0), radius=14_000.0,
    n_lsoa=90, n_towns=3, urban_share=0.6, lsoa_pop=(1_450.0, 1_800.0), n_regions=1, n_counties=1,
    n_unitaries=0, county_lsoas=(90, 90), demoshire_lsoas=90, demoshire_districts=3,
    caseload={y: v * 90 / 850 for y, v in COUNTY_CASELOAD.items()}, university_towns=1,
)

SCALES: dict[str, ScaleSpec] = {"county": COUNTY, "england": ENGLAND, "tiny": TINY}
