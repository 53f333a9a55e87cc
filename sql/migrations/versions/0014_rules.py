"""DfE's validation rules of a statutory return, kept per landed file (meta.validation) and published for
the data-quality view (published.source_rules).

Revision ID: 0014_rules
Revises: 0013_defs
Create Date: 2026-12-07
"""

from jsna.warehouse.migrate import run_sql_file

revision = "0014_rules"
down_revision = "0013_defs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_sql_file(__file__, "up")


def downgrade() -> None:
    run_sql_file(__file__, "down")
