"""The encrypted transfer: seal only the approved items in an envelope to the requesting
agency's current keys, signed by the disclosing agency, and deliver it (HTTPS intake with a
signed receipt, or the agency's directory inbox), retrying transient failures until the
deadline and never delivering twice: the sealed envelope is staged first, so a retry sends the
same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from infoshare import emergency
from infoshare.envelope import SealedItem, seal_items
from infoshare.keys import ENCRYPTION, KeyStoreError, key_id
from infoshare.models import ShareRequest, Step
from infoshare.registry import partnership, public_keys
from infoshare.store import Store
from infoshare.store.requests import DONE
from infoshare.transport import (
    DEFAULT_RETRY,
    DeliveryDeadline,
    DeliveryRefused,
    DirectoryInbox,
    HttpsIntake,
    RetryPolicy,
    TransientDeliveryError,
    Transport,
    deliver_with_retries,
)
from infoshare.worktime import now_utc


class TransferError(Exception):
    """The transfer cannot be made (no key for the recipient, nothing approved, ...)."""


def recipient_transport(store: Store, agency_id: str) -> Transport:
    """HTTPS to the agency's intake endpoint when the registry names one, else its directory
    inbox under ``$INFOSHARE_HOME/inbox``."""
    with store.session() as s:
        intake = partnership.intake_of(s, agency_id)
    if intake is None:
        return DirectoryInbox(store.settings.inbox_root)
    return HttpsIntake(
        intake.url,
        ca_pem=intake.ca_pem,
        recipient_key=public_keys.signing_key_lookup(store.session, agency_id),
    )


def transfer(
    store: Store,
    ref: str,
    transport: Transport | None = None,
    *,
    policy: RetryPolicy = DEFAULT_RETRY,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Seal the items approved at sign-off (read from the store, never from the caller) and
    deliver them to the requesting agency. Returns the non-personal transfer facts, with the
    recipient's verified receipt when the transport gives one.

    The sealed envelope is staged in the store before delivery, so every retry (here, or after
    a crash) delivers the same bytes under the same message id, never a second envelope.
    Transient failures are retried with backoff until the request's deadline; what cannot be
    delivered raises ``TransferError`` with the reason.
    """
    done = store.requests.step(ref, Step.TRANSFER)
    if done is not None and done.status == DONE:
        return done.public
    if (recorded := store.chain.record(ref)) is not None:
        # the request is closed: e.g. its run was marked Crashed after going silent and was
        # recorded FAILED, yet its process was alive after all; the record must stay true
        raise TransferError(
            f"the request already has its decision record ({recorded[0].decision}): "
            "nothing more is sent for it"
        )
    signoff = emergency.authorising_step(store, ref)
    if signoff is None or signoff.status != DONE or not signoff.public.get("approved_items"):
        raise TransferError("nothing was approved for sharing")
    approved: list[str] = signoff.public["approved_items"]
    if done is not None and done.private.get("envelope"):
        envelope = base64.b64decode(done.private["envelope"])
        facts = dict(done.public)
    else:
        envelope, facts = _seal(store, ref, approved, signoff.public.get("input_sha256", ""))
        store.requests.stage_step(
            ref,
            Step.TRANSFER,
            public=facts,
            private={"envelope": base64.b64encode(envelope).decode()},
        )
    meta = store.requests.meta(ref)
    transport = transport or recipient_transport(store, meta.requesting_agency)
    try:
        delivery = deliver_with_retries(
            transport, meta.requesting_agency, facts["envelope_id"], envelope,
            deadline=meta.due_at, policy=policy, sleep=sleep,
        )  # fmt: skip
    except (DeliveryRefused, DeliveryDeadline, TransientDeliveryError) as exc:
        raise TransferError(str(exc)) from exc
    facts = {
        **facts,
        "method": delivery.method,
        "location": delivery.location,
        "receipt": delivery.receipt,
        "receipt_note": delivery.receipt_note,
    }
    store.requests.complete_step(ref, Step.TRANSFER, public=facts)
    return facts


def _seal(
    store: Store, ref: str, approved: list[str], decision_sha256: str
) -> tuple[bytes, dict[str, Any]]:
    meta = store.requests.meta(ref)
    req: ShareRequest = store.requests.request(ref)
    contents = store.requests.item_contents(ref, approved)
    missing = sorted(set(approved) - contents.keys())
    if missing:
        raise TransferError(f"approved items have no prepared content: {', '.join(missing)}")
    signed = emergency.authorising_step(store, ref)
    approved_hashes = signed.private.get("approved_content_sha256", {}) if signed else {}
    changed = sorted(
        i for i in approved if approved_hashes.get(i) != hashlib.sha256(contents[i]).hexdigest()
    )
    if changed:
        raise TransferError(f"content changed after sign-off: {', '.join(changed)}; not sent")
    now = now_utc()
    with store.session() as s:
        # every key valid now: during a rotation overlap the recipient may hold either
        recipient_raws = public_keys.valid_public_keys(s, meta.requesting_agency, ENCRYPTION, now)
    if not recipient_raws:
        raise TransferError(f"no current encryption key registered for {meta.requesting_agency}")
    try:
        sender = store.keys.signing_key(meta.disclosing_agency)
    except KeyStoreError as exc:  # a worker set up without the agency's keys, or its passphrase
        raise TransferError(
            f"this machine cannot sign for {meta.disclosing_agency} (README: Agency keys on "
            f"workers): {exc}"
        ) from exc
    descriptions = dict(zip(req.item_ids(), (i.description for i in req.items), strict=True))
    sealed = seal_items(
        [SealedItem(i, descriptions[i], contents[i]) for i in approved],
        transfer_id=ref,
        decision_sha256=decision_sha256,
        recipients=[X25519PublicKey.from_public_bytes(r) for r in recipient_raws],
        sender=sender,
        now=now,
    )
    return sealed.data, {
        "items": approved,
        "at": now.isoformat(),
        "envelope_id": sealed.message_id,
        "envelope_sha256": sealed.sha256,
        "recipient_key_id": key_id(recipient_raws[0]),
        "recipient_key_ids": [key_id(r) for r in recipient_raws],
    }
