"""Alembic migrations of the store schema, applied automatically when a store is opened."""
