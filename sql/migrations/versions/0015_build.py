"""The run that built the published tables (published.build), for outputs that must name it (a board pack's
cover) while reading `published` only.

Revision ID: 0015_build
Revises: 0014_rules
Create Date: 2026-12-07
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0015_build"
down_revision = "0014_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
