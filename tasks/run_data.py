"""Keeping personal data out of Prefect's copy of a run (parameters and run input)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.input.actions import read_flow_run_input
from prefect.input.run_input import Keyset, keyset_from_base_key
from prefect.runtime import flow_run

from infoshare.markdown import label
from infoshare.models import Enquiry, ShareRequest
from infoshare.redaction import redacted_enquiry, redacted_parameters


def redact_run(
    flow_run_id: UUID | str, request: ShareRequest, ref: str, enquiry_part: str = ""
) -> None:
    """Overwrite the run's stored parameters (the server keeps them in plain text) with the
    redacted request, and name and tag the run so dashboards can follow it without them.
    A run started for an enquiry keeps the reference to its part."""
    parameters = redacted_parameters(request, ref)
    if enquiry_part:
        parameters["enquiry_part"] = enquiry_part
    with get_client(sync_client=True) as client:
        client.update_flow_run(
            UUID(str(flow_run_id)),
            parameters=parameters,
            name=label(
                f"{ref} {request.urgency.value} {request.requesting_agency} to "
                f"{request.disclosing_agency}"
            ),
            tags=[
                "infoshare",
                f"tier:{request.urgency.value}",
                f"from:{request.requesting_agency}",
                f"to:{request.disclosing_agency}",
                *([f"enquiry:{enquiry_part.partition('/')[0]}"] if enquiry_part else []),
            ],
        )


def redact_enquiry_run(flow_run_id: UUID | str, enq: Enquiry, ref: str) -> None:
    """The same for an enquiry's run: its parameters redacted, named and tagged by its
    reference (its agencies' runs carry the tag ``enquiry:ENQ-...`` too)."""
    with get_client(sync_client=True) as client:
        client.update_flow_run(
            UUID(str(flow_run_id)),
            parameters=redacted_enquiry(enq, ref),
            name=label(
                f"{ref} {enq.urgency.value} {enq.requesting_agency} asks "
                f"{len(enq.agencies)} agencies"
            ),
            tags=["infoshare", f"enquiry:{ref}", f"tier:{enq.urgency.value}",
                  f"from:{enq.requesting_agency}"],
        )  # fmt: skip


def given_answer(pause_key: str) -> Any | None:
    """What a person answered at the pause ``pause_key`` of this run, still in Prefect's run
    input (None: nothing given there, or already read and forgotten)."""
    return read_flow_run_input(_pause_inputs(pause_key)["response"])


def forget_run_input(pause_key: str) -> None:
    """Delete what a person typed into this run's resume form, once our store holds it."""
    run_id = flow_run.get_id()
    if run_id is None:
        raise RuntimeError("forget_run_input must be called inside a flow run")
    flow_run_id = UUID(run_id)
    keyset = _pause_inputs(pause_key)
    with get_client(sync_client=True) as client:
        for key in (keyset["response"], keyset["description"], keyset["schema"]):
            try:
                client.delete_flow_run_input(flow_run_id=flow_run_id, key=key)
            except Exception as exc:  # noqa: BLE001 - absent keys are fine; report nothing personal
                if getattr(getattr(exc, "response", None), "status_code", None) != 404:
                    raise


def _pause_inputs(pause_key: str) -> Keyset:
    """The keys of a pause's run inputs (response, description, schema), as Prefect's
    ``suspend_flow_run`` names them."""
    return keyset_from_base_key(f"suspended-{pause_key}")
