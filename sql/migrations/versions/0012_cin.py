"""The Children in Need census return (child-level XML): its items as landed, and the core model built
from them (the items, and each child's year in the census).

Revision ID: 0012_cin
Revises: 0011_kinds
Create Date: 2026-12-07
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0012_cin"
down_revision = "0011_kinds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
