"""The demo county's CIN census return through the real refresh (the session's `refreshed` warehouse, no
refresh of its own): every item landed, each child of the year in core once, and the new indicators
published through the disclosure boundary."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree

from jsna.demo.cin_census import FILE

pytestmark = [pytest.mark.db, pytest.mark.flow]


def test_the_demo_return_is_landed_built_and_published(refreshed: dict[str, object], engine: sa.Engine,
                                                      demo_dir: Path) -> None:
    doc = etree.parse(str(demo_dir / "social_care" / FILE))
    children = len(doc.getroot().findall("Children/Child"))
    referrals = len(doc.getroot().findall("Children/Child/CINdetails"))
    with engine.connect() as conn:
        landed = conn.execute(sa.text(
            "SELECT rows_in, rows_loaded, rows_quarantined FROM meta.files WHERE kind = 'cin_census_return' "
            "ORDER BY file_id DESC LIMIT 1")).one()
        kids = conn.execute(sa.text("SELECT count(*) FROM core.cin_children WHERE census_year = 2025")).scalar_one()
        refs = conn.execute(sa.text("SELECT count(*) FROM core.cin_episodes WHERE record = 'referral'")).scalar_one()
        published = dict(conn.execute(sa.text(
            "SELECT indicator_id, count(*) FROM published.indicator_values WHERE indicator_id IN "
            "('ehcp_cin_pct', 'cin_disabled_pct') AND period = '2025' GROUP BY 1")).all())
        county = conn.execute(sa.text(
            "SELECT numerator, denominator FROM published.indicator_values WHERE indicator_id = 'cin_disabled_pct' "
            "AND area_level = 'utla' AND breakdown = 'all' AND period = '2025'")).one()
    assert landed[0] == landed[1] > referrals and landed[2] == 0
    assert kids == children and refs == referrals
    assert set(published) == {"ehcp_cin_pct", "cin_disabled_pct"}
    assert 0.3 * children < county.denominator < children  # in need on 31 March: those whose need was still open
