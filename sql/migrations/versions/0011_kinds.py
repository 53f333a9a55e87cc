"""meta.files.notes: what reading a file noted without quarantining a row (a release's files not read).

Revision ID: 0011_kinds
Revises: 0010
Create Date: 2026-12-07
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0011_kinds"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
