"""published.comparisons: NHS England's published figures as comparators (nhs_england, nhs_sub_icb, nhs_icb).

Revision ID: 0019_nhs_comparators
Revises: 0018_reads
Create Date: 2026-12-07
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0019_nhs_comparators"
down_revision = "0018_reads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
