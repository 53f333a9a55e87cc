"""core.build_reads: the named queries each step of a build read, for refreshes that redo only what changed.

Revision ID: 0018_reads
Revises: 0017_runs
Create Date: 2026-12-07
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0018_reads"
down_revision = "0017_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
