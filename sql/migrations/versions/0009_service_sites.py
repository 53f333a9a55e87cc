"""Service sites: where care hubs, clinics and team bases are, as a map layer.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
