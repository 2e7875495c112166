"""An enquiry's steps: take it in, ask each agency (one share-request run each, a child of the
enquiry's run), show the case. The enquiry's run ends then: it holds no process while its
agencies' runs wait for people (``infoshare.enquiries``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.logging import get_run_logger
from prefect.runtime import flow_run

from infoshare import enquiries
from infoshare.markdown import label
from infoshare.redaction import part_parameters, redacted_enquiry
from infoshare.store import default_store
from infoshare.store.enquiries import ASKED, OPEN

SHARE_REQUEST = "share-request/share-request"


@task(name="enquiry-intake", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def take_in_enquiry(raw: Any) -> str:
    """Store the enquiry (sealed) and return its reference; the run's parameters are redacted
    and the run named by the reference. Idempotent per run. One that cannot be asked as it is
    (unreadable, an agency twice or with no items, the requesting agency asking itself) is
    refused and recorded at once, naming the problems, never the values."""
    store = default_store()
    run_id = flow_run.get_id()
    known = store.requests.ref_for_run(run_id) if run_id else None
    if known is not None:
        return known
    ref, reading = enquiries.take_in(store, raw, run_id)
    enq = reading.enquiry
    if run_id is not None:
        with get_client(sync_client=True) as client:
            client.update_flow_run(
                UUID(run_id),
                parameters=redacted_enquiry(enq, ref),
                name=label(f"{ref} {enq.urgency.value} {enq.requesting_agency} asks "
                           f"{len(enq.agencies)} agencies"),
                tags=["infoshare", "enquiry", f"tier:{enq.urgency.value}",
                      f"from:{enq.requesting_agency}"],
            )  # fmt: skip
    log = get_run_logger()
    if not reading.readable:
        log.warning("Enquiry %s cannot be asked and is refused: %s", ref,
                    "; ".join(reading.problems))  # fmt: skip
    else:
        log.info("Enquiry %s received: %s tier, %s asks %s", ref, enq.urgency.value,
                 enq.requesting_agency, ", ".join(a.disclosing_agency for a in enq.agencies))  # fmt: skip
    return ref


def start_child(ref: str, agency: str, as_subflow: bool = True) -> str:
    """Start (or find: one key per part) the share-request run that asks ``agency``. Its
    parameters hold no personal data: the redacted request and the reference to its part."""
    store = default_store()
    request = store.enquiries.enquiry(ref).request_to(agency)
    part = enquiries.part_of(ref, agency)
    run = run_deployment(
        SHARE_REQUEST,
        parameters=part_parameters(request, ref, part),
        as_subflow=as_subflow,
        timeout=0,
        idempotency_key=enquiries.part_key(part),
        tags=["infoshare", "enquiry-part"],
    )
    run_id = str(run.id)  # type: ignore[union-attr]
    store.enquiries.child_started(ref, agency, run_id)
    return run_id


@task(name="ask-agencies", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def ask_agencies(ref: str) -> int:
    """One share-request run per agency asked, shown under the enquiry's run; returns how many
    were started now (a repeat starts none twice)."""
    store = default_store()
    if store.requests.meta(ref).status != OPEN:
        return 0
    started = 0
    for asked in store.enquiries.asked(ref):
        if asked.status == ASKED and asked.child_run_id is None:
            start_child(ref, asked.agency)
            started += 1
    get_run_logger().info("Enquiry %s: %d agencies asked", ref, started)
    return started


@task(name="enquiry-case-view", cache_policy=NO_CACHE)
def publish_case(ref: str) -> str:
    """The case view as an artifact of the enquiry (no personal data); the watchdog's sweep
    and each agency's record refresh it."""
    return show_case(ref)


def show_case(ref: str) -> str:
    store = default_store()
    view = enquiries.case_view(store, ref)
    create_markdown_artifact(
        key=f"enquiry-{ref.lower()}",
        markdown=enquiries.case_markdown(view),
        description=f"Enquiry {ref}: each agency's step, due time, RAG and decision "
        "(no personal data)",
    )
    return str(view["status"])


@task(name="enquiry-refused", cache_policy=NO_CACHE)
def refuse_enquiry(ref: str, reason: str) -> None:
    enquiries.refuse(default_store(), ref, reason)
