"""Alembic migrations of the plan schema, run programmatically by ``persistence.schema`` (no alembic.ini).

To add schema N+1: write ``versions/rNNNN_<what>.py`` with ``revision = "NNNN"`` (zero-padded; the number is the
schema version users see) and ``down_revision`` the previous one, update ``tables.py`` to the new shape, and keep the
old ``tests/persistence/fixtures`` dumps opening. A migration never imports ``tables.py``: it must keep describing the
schema as it was when it was written.
"""
