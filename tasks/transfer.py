"""Step 6: seal the approved items to the recipient agency and deliver them."""

from __future__ import annotations

from typing import Any

from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.logging import get_run_logger
from prefect.runtime import task_run
from prefect.states import State

from infoshare.policy import Step
from infoshare.steps import TransferError, is_done
from infoshare.steps import transfer as do_transfer
from infoshare.store import default_store, now_utc
from infoshare.transport import DirectoryInbox, TransientDeliveryError
from tasks.notify import send_delivery_notice


def _transient(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    try:
        state.result()
    except TransientDeliveryError:
        return True
    except Exception:  # noqa: BLE001 - anything else is permanent: fail fast, record it
        return False
    return False


@task(
    name="encrypted-transfer",
    retries=4,
    retry_delay_seconds=[2, 10, 30, 60],
    retry_jitter_factor=0.5,
    retry_condition_fn=_transient,
    cache_policy=NO_CACHE,
)
def transfer(ref: str) -> dict[str, Any]:
    """Retried on transient delivery errors, but never past the request's deadline."""
    store = default_store()
    due = store.meta(ref).due_at
    if task_run.run_count > 1 and due is not None and now_utc() > due:
        raise TransferError(
            f"delivery was still failing at the deadline ({due:%Y-%m-%d %H:%M} UTC): not retried"
        )
    already = is_done(store, ref, Step.TRANSFER)
    facts = do_transfer(store, ref, DirectoryInbox(store.settings.inbox_root))
    if not already:
        send_delivery_notice(store, ref, facts["items"])
    get_run_logger().info(
        "%s delivered: envelope %s (sha256 %s), items %s",
        ref,
        facts["envelope_id"],
        facts["envelope_sha256"],
        ", ".join(facts["items"]),
    )
    return {k: facts[k] for k in ("envelope_id", "envelope_sha256", "items")}
