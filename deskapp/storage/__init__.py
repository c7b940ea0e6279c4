"""Persistence: typed SQLAlchemy models, engine set-up, migrations and storage errors."""
