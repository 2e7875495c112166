"""Telling people from inside a run. Who is told what, and when, is decided in
``notifications.telling``; this gives it the run's logger, so what it sends shows in the run's
log in the Prefect UI (references, steps and counts only; never a code or an address)."""

from __future__ import annotations

import logging

from prefect.exceptions import MissingContextError
from prefect.logging import get_logger, get_run_logger

from infoshare.store import Store
from notifications.telling import Teller


def teller(store: Store) -> Teller:
    """The notifications of ``store``, logging to the current run (or to infoshare's own log
    outside a run: a state hook runs in the worker)."""
    log: logging.Logger | logging.LoggerAdapter[logging.Logger]
    try:
        log = get_run_logger()
    except MissingContextError:
        log = get_logger("infoshare.notify")
    return Teller(store, log)
