"""Run history for readers: published.runs and published.run_files (every refresh, its status, reason and
files), published.headline_history (the headline figures each build published), meta.files.period.

Revision ID: 0017_runs
Revises: 0016_alerts
Create Date: 2026-12-07
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0017_runs"
down_revision = "0016_alerts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
