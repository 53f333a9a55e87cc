"""Planning: school places, forecasts, sufficiency, access, candidate sites.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
