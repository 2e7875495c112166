"""What the store refuses: a reference it does not hold, personal data already disposed of, and
a disposal asked of a request that is not closed."""

from __future__ import annotations


class UnknownRequest(LookupError):
    def __init__(self, ref: str) -> None:
        super().__init__(f"no request with reference {ref!r}")
        self.ref = ref


class PersonalDataDisposed(UnknownRequest):
    """The request's personal data was disposed of under the retention rules (its data key is
    gone); its decision record remains."""

    def __init__(self, ref: str) -> None:
        LookupError.__init__(
            self,
            f"the personal data of {ref} was disposed of under the retention rules; "
            f"its decision record remains (infoshare records show {ref})",
        )
        self.ref = ref


class NotClosed(ValueError):
    def __init__(self, ref: str) -> None:
        super().__init__(f"{ref} has no decision record: it is not closed, nothing is disposed")
        self.ref = ref
