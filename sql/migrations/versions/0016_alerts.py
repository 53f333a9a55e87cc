"""Statutory milestones (published.milestones: open steps due and overdue, counted) and alerts on published
figures (published.alerts); EHC case rows keep the team and the last annual review where the extract names them.

Revision ID: 0016_alerts
Revises: 0015_build
Create Date: 2026-12-07
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0016_alerts"
down_revision = "0015_build"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
