"""The ``infoshare`` command: set-up, submitting and answering requests, records, envelopes."""

# Importing the command modules registers their commands on ``main``.
from infoshare.cli import (  # noqa: F401
    answers,
    backup,
    db,
    enquiries,
    envelopes,
    gate,
    intake,
    keys,
    outbox,
    person_keys,
    records,
    reports,
    requests,
    retention,
    setup,
    subject_access,
    workspace,
)
from infoshare.cli.common import main

__all__ = ["main"]
