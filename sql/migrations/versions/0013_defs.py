"""EHC plan rows by DfE's definitions: a child whose home cannot be placed still lands (no LSOA, counted in
its authority), the authority and collection year a row comes from, the assessment's outcome date, the
authority a plan was transferred in from, and the ceasing reason in core.

Revision ID: 0013_defs
Revises: 0012_cin
Create Date: 2026-12-07
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0013_defs"
down_revision = "0012_cin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
