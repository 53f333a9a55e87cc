"""Roles: refreshes run as jsna_loader; landings record the reader version.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
