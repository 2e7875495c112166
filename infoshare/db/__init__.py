"""infoshare's own database: the tables (``tables``), how engines are made (``engine``), the
schema's revision (``revision``: checked on open, changed by ``infoshare db upgrade``) and stores
made before migrations (``legacy``). The revisions themselves are in ``infoshare/migrations``."""
