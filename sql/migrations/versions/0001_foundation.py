"""Foundation: meta, raw, core and published schemas; the reader role.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
