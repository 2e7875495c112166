"""Sealing under a request's own data key.

Every piece of a request's personal data (the request itself, step answers, staged envelopes,
prepared item contents, the decision record's personal part) is sealed with AES-256-GCM under
the request's data key, bound to ``<reference>:<what>``. The data key is stored wrapped by the
store's master key; destroying it destroys all of them at once (crypto-shredding, see
``infoshare.store.disposal``).
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from infoshare.crypto import MasterKey, seal, unseal
from infoshare.store.errors import PersonalDataDisposed


class Keyed(Protocol):
    """What sealing needs of a request: its reference and its wrapped data key (a request row,
    or any row or tuple with those two)."""

    @property
    def ref(self) -> str: ...

    @property
    def wrapped_key(self) -> bytes | None: ...


class Sealer:
    def __init__(self, master: MasterKey) -> None:
        self.master = master

    def new_wrapped_key(self, ref: str) -> tuple[bytes, str]:
        """A fresh data key for a new request (or enquiry), wrapped by the master key as it is
        stored, and that master key's id (``requests.wrapped_key_id``, for key rotation)."""
        return self.master.new_data_key(ref)[1], self.master.key_id

    def data_key(self, row: Keyed) -> bytes:
        if row.wrapped_key is None:
            raise PersonalDataDisposed(row.ref)
        return self.master.unwrap(row.wrapped_key, row.ref)

    def seal(self, row: Keyed, what: str, data: bytes) -> bytes:
        return seal(self.data_key(row), data, f"{row.ref}:{what}".encode())

    def unseal(self, row: Keyed, what: str, blob: bytes) -> bytes:
        return unseal(self.data_key(row), blob, f"{row.ref}:{what}".encode())

    def seal_json(self, row: Keyed, what: str, obj: Any) -> bytes:
        return self.seal(row, what, json.dumps(obj, default=str).encode())

    def unseal_json(self, row: Keyed, what: str, blob: bytes | None) -> Any:
        """The sealed JSON object, or ``{}`` where nothing was sealed."""
        if blob is None:
            return {}
        return json.loads(self.unseal(row, what, blob))
