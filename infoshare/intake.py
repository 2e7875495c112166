"""The HTTPS intake endpoint: ``infoshare intake serve --agency X`` (an ASGI app).

    POST /envelopes   body: one envelope (v1 or v2); header ``Idempotency-Key: <its message id>``
      201  stored; body: the receipt signed by agency X (``infoshare.receipts``)
      200  already stored (a retry): the same receipt again, nothing stored twice
      400  missing or malformed Idempotency-Key, or not the envelope's message id
      409  a different envelope was already received under that message id
      413  larger than the limit
      422  the envelope does not verify (the reason is given)
    GET /health        {"agency": X, "ok": true}

An envelope is accepted only when it verifies completely with the envelope opener (header,
sender key registered, signature over the whole envelope, not expired, addressed to one of X's
keys and every chunk authentic; the plaintext is discarded as it is checked). It is then
written atomically into X's inbox directory as ``<message id>.isenv``, where ``infoshare open``
reads it, and its receipt is kept in ``receipts/<message id>.json`` beside it. The message id is
not claimed as "seen" here: that happens when the envelope is opened.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from infoshare.envelope import EnvelopeError, Header, ManifestItem, SenderLookup, open_envelope
from infoshare.keys import KeyNotFound
from infoshare.receipts import make_receipt
from infoshare.registry import public_keys
from infoshare.store import Store
from infoshare.transport import envelope_path, sync_dir, write_atomically

log = logging.getLogger("infoshare.intake")

MAX_ENVELOPE_BYTES = 2 * 1024**3
_MESSAGE_ID = re.compile(r"[0-9a-f]{32}")


class IntakeRefused(Exception):
    """Bad input: answered with ``status`` and ``reason``, never a traceback."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class _Discard:
    """An envelope sink that keeps nothing: the opener authenticates every chunk into it."""

    def begin(self, item: ManifestItem) -> None: ...

    def write(self, data: memoryview) -> None: ...

    def commit(self, header: Header, items: list[ManifestItem]) -> None: ...

    def abort(self) -> None: ...


@dataclass
class IntakeService:
    """What the endpoint does, without HTTP: check, store, acknowledge. Safe to call from
    several threads and processes for the same message id (one file, one receipt)."""

    agency: str
    inbox: Path
    keys: Sequence[X25519PrivateKey]
    signer: Ed25519PrivateKey
    sender_key: SenderLookup
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    max_bytes: int = MAX_ENVELOPE_BYTES

    @property
    def receipts(self) -> Path:
        return self.inbox / "receipts"

    def prepare(self) -> None:
        self.receipts.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.inbox.chmod(0o700)

    def receipt_path(self, message_id: str) -> Path:
        return self.receipts / f"{message_id}.json"

    def existing(self, message_id: str, sha256: str) -> dict[str, Any] | None:
        """The receipt already given for this message id, if the bytes are the same."""
        try:
            receipt: dict[str, Any] = json.loads(self.receipt_path(message_id).read_bytes())
        except FileNotFoundError:
            return None
        if receipt["receipt"]["envelope_sha256"] != sha256:
            raise IntakeRefused(
                409, f"a different envelope was already received as message {message_id}"
            )
        return receipt

    def accept(self, message_id: str, upload: Path, sha256: str) -> tuple[dict[str, Any], bool]:
        """Verify the uploaded file, store it, return (receipt, newly stored). ``upload`` (a
        temporary file in the inbox) is linked in as the envelope or dropped; never left."""
        try:
            found = self.existing(message_id, sha256)
            if found is not None:
                return found, False
            try:
                with upload.open("rb") as fh:
                    opened = open_envelope(
                        fh, _Discard(), keys=self.keys, sender_key=self.sender_key,
                        seen=None, now=self.clock(),
                    )  # fmt: skip
            except EnvelopeError as exc:
                raise IntakeRefused(422, f"envelope rejected: {exc}") from exc
            header = opened.header
            if header.message_id != message_id:
                raise IntakeRefused(
                    400, "Idempotency-Key must be the envelope's message id; it is not"
                )
            self._store(message_id, upload, sha256)
            receipt = make_receipt(
                message_id=message_id,
                envelope_sha256=sha256,
                transfer_id=header.transfer_id,
                recipient_agency=self.agency,
                signer=self.signer,
                received_at=self.clock(),
            )
            return self._keep(message_id, receipt)
        finally:
            upload.unlink(missing_ok=True)

    def _store(self, message_id: str, upload: Path, sha256: str) -> None:
        """Link the (fsynced) upload in as ``<message id>.isenv`` unless that exists: a
        racing second copy of the same bytes is dropped, different bytes are refused."""
        final = envelope_path(self.inbox, message_id)
        try:
            os.link(upload, final)
        except FileExistsError:
            if _file_sha256(final) != sha256:
                raise IntakeRefused(
                    409, f"a different envelope was already received as message {message_id}"
                ) from None
            return
        sync_dir(self.inbox)

    def _keep(self, message_id: str, receipt: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Store the receipt unless one exists (then that one stands): first writer wins."""
        path = self.receipt_path(message_id)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{id(receipt)}.tmp")
        write_atomically(tmp, [json.dumps(receipt, sort_keys=True).encode()])
        try:
            os.link(tmp, path)
            sync_dir(self.receipts)
            created = True
        except FileExistsError:
            created = False
        finally:
            tmp.unlink(missing_ok=True)
        if not created:
            return json.loads(path.read_bytes()), False
        log.info("envelope %s for %s stored, receipt signed", message_id, self.agency)
        return receipt, True


def service_for(store: Store, agency: str) -> IntakeService:
    """The intake of ``agency`` on this machine: its private keys (to check the envelope is
    readable by it, and to sign receipts) and the registry's signing keys (to know senders)."""
    if store.partnership().agency(agency) is None:
        raise KeyNotFound(f"unknown agency {agency!r} (not in the registry)")
    return IntakeService(
        agency=agency,
        inbox=store.settings.inbox_for(agency),
        keys=store.keys.decryption_keys(agency),
        signer=store.keys.signing_key(agency),
        sender_key=public_keys.signing_key_lookup(store.session),
    )


def build_app(service: IntakeService) -> Starlette:
    service.prepare()
    locks: dict[str, asyncio.Lock] = {}

    async def receive(request: Request) -> JSONResponse:
        try:
            message_id = request.headers.get("idempotency-key", "")
            if not _MESSAGE_ID.fullmatch(message_id):
                raise IntakeRefused(
                    400, "header Idempotency-Key must be the envelope's message id "
                    "(32 lowercase hex digits)",
                )  # fmt: skip
            declared = request.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > service.max_bytes:
                raise IntakeRefused(413, f"envelope larger than {service.max_bytes} bytes")
            upload, sha256 = await _save_upload(request, service)
            # one at a time per message id in this process (the files make it safe across
            # processes too); the lock is forgotten when nobody holds it
            lock = locks.setdefault(message_id, asyncio.Lock())
            try:
                async with lock:
                    receipt, created = await run_in_threadpool(
                        service.accept, message_id, upload, sha256
                    )
            finally:
                if not lock.locked():
                    locks.pop(message_id, None)
            return JSONResponse(receipt, status_code=201 if created else 200)
        except IntakeRefused as exc:
            log.info("envelope refused (%s): %s", exc.status, exc.reason)
            return JSONResponse({"error": exc.reason}, status_code=exc.status)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"agency": service.agency, "ok": True})

    return Starlette(
        routes=[
            Route("/envelopes", receive, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ]
    )


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


async def _save_upload(request: Request, service: IntakeService) -> tuple[Path, str]:
    """Stream the body to a private temporary file in the inbox, hashing it on the way."""
    digest = hashlib.sha256()
    size = 0
    upload = service.inbox / f".upload-{os.urandom(8).hex()}.tmp"
    fh = os.fdopen(os.open(upload, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
    try:
        with fh:
            async for chunk in request.stream():
                size += len(chunk)
                if size > service.max_bytes:
                    raise IntakeRefused(413, f"envelope larger than {service.max_bytes} bytes")
                digest.update(chunk)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        if size == 0:
            raise IntakeRefused(400, "empty body: POST the envelope's bytes")
    except ClientDisconnect as exc:
        upload.unlink(missing_ok=True)
        raise IntakeRefused(400, "the upload was cut off") from exc
    except BaseException:
        upload.unlink(missing_ok=True)
        raise
    return upload, digest.hexdigest()
