"""Comparisons: statistical neighbours and every comparison of every published value.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
