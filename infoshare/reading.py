"""Reading a submitted request, readable or not, without ever repeating what was typed.

Prefect's run form checks a request against its schema only when "Validate parameters" is
ticked, and the API takes any parameters for a deployment that does not enforce it. A request
that cannot be read must still end with a decision record: it is refused, with the fields at
fault named (never their values), and Prefect's copy of it is redacted like any other.

So the flow takes its parameters unvalidated and reads them here. What can be read is kept
(sealed in the store like any request); each top-level field at fault is replaced by its default
or, if it has none, by a placeholder, and the record says so.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from infoshare import plain_text
from infoshare.models import (
    MULTI_LINE_FIELDS,
    Art6Basis,
    ConsentStatus,
    Decision,
    Purpose,
    Regime,
    ShareRequest,
    UrgencyTier,
)
from infoshare.policy.triage import Triage
from infoshare.steps import run_triage
from infoshare.store import Store
from infoshare.worktime import now_utc

# Stand-ins for required fields that could not be read: valid, and shown as such on the record.
UNKNOWN_ID = "unknown"
PLACEHOLDERS: dict[str, Any] = {
    "requesting_agency": UNKNOWN_ID,
    "requester_id": UNKNOWN_ID,
    "disclosing_agency": UNKNOWN_ID,
    "purpose": Purpose.PREVENT_DETECT_CRIME.value,
    "regime": Regime.UK_GDPR.value,
    "lawful_basis": Art6Basis.NOT_APPLICABLE.value,
    "consent": ConsentStatus.NOT_REQUIRED.value,
    "urgency": UrgencyTier.ROUTINE.value,
}

# Stands in for a request Prefect could not hand to the runner (``prefect_api``'s
# ``release_unservable_runs`` puts it in such a run's parameters): refused and recorded.
UNSENDABLE = "infoshare:unsendable-request"
UNSENDABLE_PROBLEM = (
    "the request held text that is not text (a control character or an unpaired surrogate), "
    "which Prefect could not hand to the runner"
)

# What a pattern asks for, in words (the patterns of infoshare's own forms).
_PATTERN_WORDS = {
    r"^[a-z0-9-]+$": "lower-case letters, digits and dashes, like northshire-police",
    r"^([a-z0-9-]+)?$": "lower-case letters, digits and dashes, like insp-hughes",
    r"^(\d{4}-\d{2}-\d{2})?$": "a date as YYYY-MM-DD",
}


@dataclass(frozen=True)
class Reading:
    """A request as read: ``problems`` empty when it was valid as submitted."""

    request: ShareRequest
    problems: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)  # required fields standing in

    @property
    def readable(self) -> bool:
        return not self.problems


def where(loc: tuple[int | str, ...]) -> str:
    """A field's place in words, entries counted from 1: ``subjects entry 2, date_of_birth``."""
    out: list[str] = []
    for part in loc:
        if isinstance(part, int):
            out[-1:] = [f"{out[-1] if out else 'list'} entry {part + 1},"]
        else:
            out.append(plain_text.safe_name(str(part)))
    return " ".join(out).rstrip(",") or "the request"


def _what(err: Any) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "string_unicode":
        return plain_text.SURROGATE
    if kind == "recursion_loop":
        return plain_text.TOO_DEEP
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a field of this form"
    if kind == "string_pattern_mismatch":
        wanted = _PATTERN_WORDS.get(str(ctx.get("pattern", "")))
        return f"is not in the expected form{f' ({wanted})' if wanted else ''}"
    if kind == "string_too_short":
        n = ctx.get("min_length", 1)
        return "is empty" if n == 1 else f"is shorter than {n} characters"
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} entries"
    if kind == "too_long":
        return f"has more than {ctx.get('max_length')} entries"
    if kind in ("enum", "literal_error"):
        return f"is not one of the choices ({ctx.get('expected', '')})"
    if kind in ("bool_type", "bool_parsing"):
        return "must be true or false"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "is not a set of fields"
    if kind.endswith("_type"):
        return f"has the wrong type (expected {kind.removesuffix('_type').replace('_', ' ')})"
    return f"is not valid ({kind.replace('_', ' ')})"


PROBLEMS_SHOWN = 20  # on a record, at most this many problems of each kind are named


def field_problems(
    exc: ValidationError, limit: int = PROBLEMS_SHOWN, skip: Collection[str] = ()
) -> list[str]:
    """Each field at fault and what is wrong with it, never the value typed (pydantic's own
    messages and its ``input`` can quote it). Fields in ``skip`` (already named) are not."""
    errors = [e for e in exc.errors() if not (e["loc"] and str(e["loc"][0]) in skip)]
    problems = [f"{where(tuple(e['loc']))} {_what(e)}" for e in errors[:limit]]
    if len(errors) > limit:
        problems.append(f"and {len(errors) - limit} more")
    return problems


def read_request(raw: Any) -> Reading:
    """``raw`` (a run's ``request`` parameter, any JSON or None) as a request. Never raises."""
    if isinstance(raw, ShareRequest):
        return Reading(raw)
    if raw is None or raw == UNSENDABLE:
        problem = "the request is missing" if raw is None else UNSENDABLE_PROBLEM
        return Reading(ShareRequest.model_validate(PLACEHOLDERS), [problem], sorted(PLACEHOLDERS))
    # text that is not text (control characters, lone surrogates) or JSON nested too deeply:
    # named and dropped before anything else reads it (it could not be stored or sent)
    bad = plain_text.faults(raw, MULTI_LINE_FIELDS)
    problems = [f"{where(loc)} {what}" for loc, what in bad[:PROBLEMS_SHOWN]]
    if len(bad) > PROBLEMS_SHOWN:
        problems.append(f"and {len(bad) - PROBLEMS_SHOWN} more")
    data = dict(raw) if isinstance(raw, dict) else {}
    dropped = {str(loc[0]) for loc, _ in bad if loc}
    data = {k: v for k, v in data.items() if k not in dropped and plain_text.fault(str(k)) is None}
    try:
        request = ShareRequest.model_validate(data if bad else raw)
        if not bad:
            return Reading(request)
    except ValidationError as exc:
        problems += field_problems(exc, skip=dropped)
    placeholders: list[str] = []
    for _ in range(len(ShareRequest.model_fields) + 1):  # each pass drops at least one field
        try:
            return Reading(ShareRequest.model_validate(data), problems, placeholders)
        except ValidationError as exc:
            for err in exc.errors():
                top = str(err["loc"][0]) if err["loc"] else ""
                if top in PLACEHOLDERS and data.get(top) != PLACEHOLDERS[top]:
                    data[top] = PLACEHOLDERS[top]
                    placeholders.append(top)
                else:
                    data.pop(top, None)
    raise AssertionError("the placeholders alone must make a valid request")  # pragma: no cover


def refusal_reasons(reading: Reading) -> list[str]:
    """The decision record's reasons for refusing a request that could not be read."""
    reasons = [
        "The request could not be read, so it is refused. Submit it again with these fields "
        "corrected (in the run form, leave 'Validate parameters' ticked): "
        + "; ".join(reading.problems)
        + "."
    ]
    if reading.placeholders:
        reasons.append(
            "Fields that could not be read are shown on this record with stand-in values: "
            + ", ".join(sorted(set(reading.placeholders)))
            + "."
        )
    return reasons


def take_in(
    store: Store, raw: Any, flow_run_id: str | None, now: datetime | None = None
) -> tuple[str, Reading]:
    """Register the request a run was given (idempotent per run). One that cannot be read is
    refused at once, at triage, with :func:`refusal_reasons`. ``raw`` may be read already."""
    reading = raw if isinstance(raw, Reading) else read_request(raw)
    ref = store.requests.register(reading.request, flow_run_id=flow_run_id)
    if not reading.readable:
        at = now or now_utc()
        run_triage(
            store,
            ref,
            at,
            outcome=Triage(
                decision=Decision.REFUSE,
                reasons=refusal_reasons(reading),
                due_at=at,
                isa_reference=None,
                needs_override=False,
            ),
        )
    return ref, reading
