"""Alembic environment: migrations run on the connection jsna.warehouse.migrate hands over."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table_schema="meta", transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
