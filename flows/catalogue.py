"""infoshare's flows by name, and the module path each is imported from.

A worker of infoshare's own (flows/forkworker.py) starts a run's flow from here, by the flow's
name, never from what the run's deployment says: anyone who can reach Prefect's API can change
a deployment's entrypoint and pull steps, and Prefect's engine would run those pull steps
before any of infoshare's code (issue 18). Prefect's engine takes the flow from
``PREFECT__FLOW_ENTRYPOINT`` when it is set (``prefect.flow_engine.load_flow``); in a forked
process the module is imported already, so the flow comes from memory.
"""

from __future__ import annotations

ENTRYPOINT_ENV = "PREFECT__FLOW_ENTRYPOINT"

ENTRYPOINTS = {
    "share-request": "flows.share_request.share_request",
    "enquiry": "flows.enquiry.enquiry",
    "record-ended-run": "flows.watchdog.record_ended_run_flow",
    "timeliness-watchdog": "flows.watchdog.watchdog",
    "retention": "flows.retention.retention",
}


def entrypoint(flow_name: str) -> str | None:
    """Where infoshare's flow of this name is imported from; None for any other flow."""
    return ENTRYPOINTS.get(flow_name)
