"""Health geography: CCG, sub-ICB, ICB, STP per LSOA; LSOA 2011-2021 best fit; carried deprivation.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
