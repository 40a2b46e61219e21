"""Alembic environment: runs the migrations on the connection the store hands over.

The store (``newsevents.store.db.upgrade``) passes its open connection in
``config.attributes["connection"]``; there is no alembic.ini.
"""

from alembic import context

from newsevents.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
