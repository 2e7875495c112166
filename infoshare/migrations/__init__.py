"""The store's schema revisions (Alembic): ``env.py``, ``versions/`` (one script per change)
and the frozen ``baseline`` schema. Run them with ``infoshare db upgrade``; DEVELOPERS.md says
how to write one."""
