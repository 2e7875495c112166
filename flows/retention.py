"""The daily retention job (deployment ``retention``, cron in prefect.yaml and flows/serve.py).

    dispose of the personal data of closed requests past their period (crypto-shredding)
    -> delete their Prefect runs, and finished share-request runs past their period
    -> delete decision records past their own period (oldest first, behind a signed chain floor)
    -> vacuum the SQLite databases (ours, and Prefect's when it is on this machine)

Like the watchdog, the deployed flow takes no parameters: a clock set forward through the API
would dispose of personal data early. ``infoshare retention run --dry-run --now ...`` shows what
a later date would dispose of.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from prefect import flow

from flows.results import NO_VALUES
from tasks.retention import dispose_due

RETENTION_CRON = "30 2 * * *"  # daily at 02:30 London time, when nobody is waiting on a form
RETENTION_TIMEZONE = "Europe/London"


@flow(name="retention", persist_result=False, result_serializer=NO_VALUES, log_prints=False)
def retention() -> dict[str, Any]:
    return dispose_due(datetime.now(UTC))
