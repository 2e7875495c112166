"""The ``infoshare`` command: set-up, submitting and answering requests, records, envelopes."""

# Importing the command modules registers their commands on ``main``.
from infoshare.cli import (  # noqa: F401
    envelopes,
    intake,
    keys,
    outbox,
    records,
    reports,
    requests,
    retention,
    setup,
)
from infoshare.cli.common import main

__all__ = ["main"]
