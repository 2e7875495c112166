"""Delivery of sealed envelopes. One interface; the directory inbox is the default transport."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class TransientDeliveryError(Exception):
    """A failure worth retrying (disk full for a moment, share unavailable, ...)."""


@dataclass(frozen=True)
class Delivery:
    method: str
    location: str
    sha256: str


class Transport(Protocol):
    method: str

    def deliver(self, recipient_agency: str, message_id: str, data: bytes) -> Delivery: ...


class DirectoryInbox:
    """Writes ``<root>/<agency>/<message id>.isenv`` atomically: temp file, fsync, rename, fsync.

    Delivering the same message id twice is a no-op when the bytes match, so retries never
    produce a second copy; different bytes under the same id are refused.
    """

    method = "SECURE_INBOX"

    def __init__(self, root: Path) -> None:
        self.root = root

    def deliver(self, recipient_agency: str, message_id: str, data: bytes) -> Delivery:
        digest = hashlib.sha256(data).hexdigest()
        inbox = self.root / recipient_agency
        final = inbox / f"{message_id}.isenv"
        try:
            inbox.mkdir(parents=True, exist_ok=True, mode=0o700)
            if final.exists():
                if hashlib.sha256(final.read_bytes()).hexdigest() != digest:
                    raise FileExistsError(f"a different envelope already exists at {final}")
                return Delivery(self.method, str(final), digest)
            tmp = inbox / f".{message_id}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
            dir_fd = os.open(inbox, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except FileExistsError:
            raise
        except OSError as exc:
            raise TransientDeliveryError(f"inbox write failed: {exc.strerror}") from exc
        return Delivery(self.method, str(final), digest)
