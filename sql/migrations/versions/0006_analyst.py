"""Analyst: unsuppressed indicator values in core, readable by jsna_analyst.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
