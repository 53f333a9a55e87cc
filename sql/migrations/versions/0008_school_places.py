"""Published school places: specialist places by school, need and provision (the access map and the planner).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
