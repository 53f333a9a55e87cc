"""published.indicator_coverage: what each indicator is published for, worked out once per build.

Revision ID: 0021_indicator_coverage
Revises: 0020_advice_child
Create Date: 2026-12-07
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0021_indicator_coverage"
down_revision = "0020_advice_child"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
