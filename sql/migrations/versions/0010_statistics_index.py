"""core.statistics: looked up by dataset, its uniqueness kept by the build's DISTINCT ON.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
