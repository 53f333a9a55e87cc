"""raw/core.advice_returns: the child's key beside the case reference's (child_key, the UPN's where given).

Revision ID: 0020_advice_child
Revises: 0019_nhs_comparators
Create Date: 2026-12-07
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0020_advice_child"
down_revision = "0019_nhs_comparators"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
