"""The ``infoshare`` command: set-up, submitting and answering requests, records, envelopes."""

from infoshare.cli import envelopes, keys, outbox, records, reports, requests, setup  # noqa: F401  (register commands)
from infoshare.cli.common import main

__all__ = ["main"]
