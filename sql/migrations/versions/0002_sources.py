"""Sources: statistics, health and social care extracts, advice returns, area hierarchy.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
