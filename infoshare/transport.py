"""Delivery of sealed envelopes: one interface, two transports, one retry policy.

- ``DirectoryInbox`` (the default): an atomic write into ``<root>/<agency>/``, e.g. a mounted
  share or an SFTP drop. Nobody answers, so there is no receipt.
- ``HttpsIntake``: POST to the recipient agency's intake endpoint (``infoshare intake serve``),
  TLS checked against the CA bundle registered for it, ``Idempotency-Key: <message id>``. The
  answer is a receipt signed by the recipient agency, verified here before it is accepted.
- ``deliver_with_retries``: exponential backoff with full jitter on transient failures, never
  waiting past the request's deadline. The same envelope bytes (same message id) are retried,
  so the recipient stores a delivery once however often it is attempted.
"""

from __future__ import annotations

import hashlib
import os
import random
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import httpx

from infoshare.receipts import ENVELOPE_MEDIA_TYPE, ReceiptError, SigningKeyLookup, verify_receipt
from infoshare.worktime import uk_minute


class TransientDeliveryError(Exception):
    """A failure worth retrying (disk full for a moment, share unavailable, server busy, ...)."""


class DeliveryRefused(Exception):
    """The recipient refused the envelope, or its answer cannot be trusted: not retried."""


class DeliveryDeadline(Exception):
    """Delivery kept failing and the next attempt would come after the request's deadline."""


NO_RECEIPT_DIRECTORY = "no receipt (directory inbox)"


@dataclass(frozen=True)
class Delivery:
    method: str
    location: str
    sha256: str
    receipt: dict[str, Any] | None = None  # the recipient's signed receipt, verified
    receipt_note: str = ""  # what the record says about the receipt


class Transport(Protocol):
    method: str

    def deliver(
        self, recipient_agency: str, message_id: str, data: bytes, *, timeout: float | None = None
    ) -> Delivery:
        """Deliver ``data``; the same ``message_id`` delivered again must not make a second
        copy. ``timeout`` bounds the attempt (seconds), when the transport can wait."""
        ...


def sync_dir(folder: Path) -> None:
    """Make a rename or link in ``folder`` durable."""
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_atomically(final: Path, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to ``final`` (mode 0600) via a temporary file, fsync and rename: a
    reader sees the whole file or none of it."""
    tmp = final.parent / f".{final.name}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        sync_dir(final.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def envelope_path(inbox: Path, message_id: str) -> Path:
    return inbox / f"{message_id}.isenv"


class DirectoryInbox:
    """Writes ``<root>/<agency>/<message id>.isenv`` atomically: temp file, fsync, rename, fsync.

    Delivering the same message id twice is a no-op when the bytes match, so retries never
    produce a second copy; different bytes under the same id are refused.
    """

    method = "SECURE_INBOX"

    def __init__(self, root: Path) -> None:
        self.root = root

    def deliver(
        self, recipient_agency: str, message_id: str, data: bytes, *, timeout: float | None = None
    ) -> Delivery:
        digest = hashlib.sha256(data).hexdigest()
        inbox = self.root / recipient_agency
        final = envelope_path(inbox, message_id)
        try:
            inbox.mkdir(parents=True, exist_ok=True, mode=0o700)
            if final.exists():
                if hashlib.sha256(final.read_bytes()).hexdigest() != digest:
                    raise DeliveryRefused(f"a different envelope already exists at {final}")
            else:
                write_atomically(final, [data])
        except OSError as exc:
            raise TransientDeliveryError(f"inbox write failed: {exc.strerror}") from exc
        return Delivery(self.method, str(final), digest, None, NO_RECEIPT_DIRECTORY)


# --- HTTPS to the recipient's intake endpoint ---------------------------------------------------

# Answers worth trying again: the server (or something in front of it) is busy or restarting.
_TRANSIENT_STATUS = {408, 425, 429, 500, 502, 503, 504}


def tls_context(ca_pem: str | None) -> ssl.SSLContext:
    """Verify the server against ``ca_pem`` only (or the system store when None), TLS 1.2+."""
    ctx = ssl.create_default_context(cadata=ca_pem) if ca_pem else ssl.create_default_context()
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


class HttpsIntake:
    """POSTs the envelope to the recipient agency's intake endpoint and accepts only a receipt
    signed by that agency (a key registered for it, valid when it signed)."""

    method = "HTTPS_INTAKE"

    def __init__(
        self,
        url: str,
        *,
        ca_pem: str | None,
        recipient_key: SigningKeyLookup,
        timeout: float = 60.0,
    ) -> None:
        self.url = url
        self.recipient_key = recipient_key
        self.timeout = timeout
        self._tls = tls_context(ca_pem)

    def deliver(
        self, recipient_agency: str, message_id: str, data: bytes, *, timeout: float | None = None
    ) -> Delivery:
        digest = hashlib.sha256(data).hexdigest()
        limit = self.timeout if timeout is None else max(0.1, min(self.timeout, timeout))
        try:
            with httpx.Client(verify=self._tls, timeout=limit, trust_env=False) as client:
                resp = client.post(
                    self.url,
                    content=data,
                    headers={"Idempotency-Key": message_id, "Content-Type": ENVELOPE_MEDIA_TYPE},
                )
        except httpx.TransportError as exc:  # refused, reset, TLS failure, timeout, ...
            raise TransientDeliveryError(
                f"intake {self.url} not reached: {type(exc).__name__}"
            ) from exc
        if resp.status_code in _TRANSIENT_STATUS:
            raise TransientDeliveryError(f"intake {self.url} answered {resp.status_code}")
        if resp.status_code not in (200, 201):
            raise DeliveryRefused(
                f"intake {self.url} refused the envelope ({resp.status_code}): {_reason(resp)}"
            )
        try:
            receipt = verify_receipt(
                resp.json(),
                message_id=message_id,
                envelope_sha256=digest,
                recipient_agency=recipient_agency,
                key_lookup=self.recipient_key,
            )
        except (ReceiptError, ValueError) as exc:
            raise DeliveryRefused(f"receipt from {self.url} not accepted: {exc}") from exc
        note = (
            f"receipt signed by {recipient_agency} (key {receipt['receipt']['key_id']}), verified"
        )
        return Delivery(self.method, self.url, digest, receipt, note)


def _reason(resp: httpx.Response) -> str:
    try:
        reason = resp.json().get("error")
    except (ValueError, AttributeError):
        reason = None
    return str(reason)[:300] if reason else resp.reason_phrase


# --- retries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter: before retry n (1, 2, ...) wait a uniformly random
    time in [0, min(cap, base * 2**(n-1))] seconds. At most ``attempts`` tries in all."""

    attempts: int = 12  # 11 waits of at most 2, 4, 8, ... 512, 600, 600 s: 37 min in all
    base: float = 2.0
    cap: float = 600.0

    def wait(self, retry: int, rng: random.Random) -> float:
        return rng.uniform(0.0, min(self.cap, self.base * 2 ** (retry - 1)))


DEFAULT_RETRY = RetryPolicy()


@dataclass
class Attempts:
    """What happened, for the caller's log (no personal data: our own messages)."""

    count: int = 0
    failures: list[str] = field(default_factory=list)


def deliver_with_retries(
    transport: Transport,
    recipient_agency: str,
    message_id: str,
    data: bytes,
    *,
    deadline: datetime | None,
    policy: RetryPolicy = DEFAULT_RETRY,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
    attempts: Attempts | None = None,
) -> Delivery:
    """Deliver, retrying transient failures, never waiting past ``deadline``.

    Each attempt is given at most the time left to the deadline. A refusal is not retried; a
    wait that would end after the deadline is not begun (``DeliveryDeadline``, with the last
    failure as the reason)."""
    rng = rng or random.SystemRandom()
    attempts = attempts if attempts is not None else Attempts()
    for n in range(1, policy.attempts + 1):
        left = None if deadline is None else (deadline - clock()).total_seconds()
        if left is not None and left <= 0 and n > 1:
            raise DeliveryDeadline(_late(deadline, attempts.failures))
        attempts.count = n
        try:
            return transport.deliver(
                recipient_agency,
                message_id,
                data,
                timeout=None if left is None or left <= 0 else left,
            )
        except TransientDeliveryError as exc:
            attempts.failures.append(str(exc))
        if n == policy.attempts:
            break
        wait = policy.wait(n, rng)
        if deadline is not None and clock().timestamp() + wait >= deadline.timestamp():
            raise DeliveryDeadline(_late(deadline, attempts.failures))
        sleep(wait)
    raise TransientDeliveryError(
        f"delivery failed {len(attempts.failures)} times, last: {attempts.failures[-1]}"
    )


def _late(deadline: datetime | None, failures: list[str]) -> str:
    assert deadline is not None
    return (
        f"no receipt by the deadline ({uk_minute(deadline)}): delivery failed "
        f"{len(failures)} time(s), last: {failures[-1]}; not retried past the deadline"
    )
