"""What a person answers when a run waits for them: the override justification, the sign-off
and the on-call emergency confirmation, as the models the Prefect resume form (and the CLI)
are built from, and the verdict on an answer.

An answer carries who gives it and their proof (a one-time code or a signature, checked by
``infoshare.identity``); what it may decide is checked by ``infoshare.policy.approval``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from infoshare.models import OverrideGround


class SignOffChoice(StrEnum):
    SHARE = "SHARE"
    REFUSE = "REFUSE"
    SEND_BACK = "SEND_BACK"


# One-time codes: ten base32 letters and digits, once ``identity.codes.normalise`` has
# upper-cased what was typed and taken out spaces and dashes (the form takes them as typed).
CODE_PATTERN = r"^[A-Z2-7]{5}-?[A-Z2-7]{5}$"
# An Ed25519 signature (64 bytes) in base64, as `infoshare approve --sign` puts it in the answer.
SIGNATURE_PATTERN = r"^[A-Za-z0-9+/]{86}==$"

PERSON_ID_HELP = (
    "Your infoshare person id (like school-head), not your name or email; "
    "`infoshare registry show` lists them."
)
CODE_HELP = (
    "The one-time code from your email, like ABCDE-FGHIJ (capitals, spaces and the dash do not "
    "matter)."
)
WORKSPACE_HELP = "Leave empty: set by the infoshare workspace when you answer there."


class _Input(BaseModel):
    """An answer by a person. They prove who they are with the one-time code sent to them, or
    with a signature by their own registered key (``infoshare.identity`` checks either)."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


# Plain strings, empty when not given: an optional (``str | None``) field shows in Prefect's
# resume form as a type switch set to None, with no box to type the code into.
def _code() -> Any:
    # no pattern: the server would refuse a code typed in lower case or with spaces, with a
    # regular expression for a reason; the flow normalises it and says what is wrong
    return Field(default="", max_length=40, description=CODE_HELP)


def _signature(command: str) -> Any:
    return Field(
        default="",
        pattern=f"^$|{SIGNATURE_PATTERN}",
        description=f"Leave empty in the UI: set by `infoshare {command} --sign` (your own key) "
        "instead of a code.",
    )


# The workspace's proof that the person signed in there gave the answer
# (``infoshare.identity.workspace_proof``).
WORKSPACE_PATTERN = r"[0-9a-f]{32}\.[A-Za-z0-9_-]{43}"


def _workspace() -> Any:
    return Field(
        default="",
        title="Workspace",
        pattern=f"^$|^{WORKSPACE_PATTERN}$",
        description=WORKSPACE_HELP,
    )


class OverrideInput(_Input):
    """Public-interest override of absent or refused consent."""

    person_id: str = Field(
        title="Person ID", max_length=64, pattern=r"^[a-z0-9-]+$", description=PERSON_ID_HELP
    )
    code: str = _code()
    signature: str = _signature("justify")
    workspace: str = _workspace()
    grounds: list[OverrideGround] = Field(
        min_length=1, description="Public-interest grounds for sharing without consent."
    )
    proportionality: str = Field(
        min_length=20,
        max_length=4000,
        description="Why sharing without consent is necessary and proportionate here. "
        "Refer to people by role (subject, partner), not by name.",
    )
    # a default: the UIs show an untouched switch as off but send nothing, and then refuse the
    # form for a missing value the person cannot see; off without a reason is refused by policy
    subject_informed: bool = Field(
        default=False,
        description="Has the subject been told of the sharing? Off: say why not, below.",
    )
    not_informed_reason: str = Field(
        default="",
        max_length=2000,
        description="If not told: why not (e.g. telling them would increase the risk).",
    )

    @property
    def person(self) -> str:
        return self.person_id


class SignOffInput(_Input):
    """Senior sign-off of the disclosure."""

    approver_id: str = Field(
        title="Approver ID", max_length=64, pattern=r"^[a-z0-9-]+$", description=PERSON_ID_HELP
    )
    code: str = _code()
    signature: str = _signature("approve")
    workspace: str = _workspace()
    decision: SignOffChoice = Field(
        title="Decision",  # not the type's name, SignOffChoice
        description="SHARE the items ticked below, REFUSE, or SEND_BACK for more information.",
    )
    approved_items: list[str] = Field(
        default_factory=list, description="The items you approve for disclosure (SHARE only)."
    )
    reasons: str = Field(
        min_length=10,
        max_length=4000,
        description="The reasons for your decision; they go on the record (kept encrypted). "
        "Refer to people by role, not by name.",
    )
    redactions: str = Field(
        default="", max_length=2000, description="Anything withheld or redacted, and why."
    )
    dpo_advice: str = Field(
        default="", title="DPO Advice", max_length=2000, description="The DPO's advice, if sought."
    )

    @property
    def person(self) -> str:
        return self.approver_id


class EmergencyChoice(StrEnum):
    CONFIRM = "CONFIRM"
    DECLINE = "DECLINE"


class EmergencyInput(_Input):
    """On-call confirmation of an emergency share (risk to life), before sign-off."""

    approver_id: str = Field(
        title="Approver ID", max_length=64, pattern=r"^[a-z0-9-]+$", description=PERSON_ID_HELP
    )
    code: str = _code()
    signature: str = _signature("confirm")
    workspace: str = _workspace()
    decision: EmergencyChoice = Field(
        title="Decision",
        description="CONFIRM: share the items ticked below now, sign-off follows within 24 "
        "hours. DECLINE: no emergency share; the request follows the RED path.",
    )
    approved_items: list[str] = Field(
        default_factory=list, description="The items to share now (CONFIRM only)."
    )
    reasons: str = Field(
        min_length=10,
        max_length=4000,
        description="Why sharing now is (or is not) necessary to protect life; it goes on the "
        "record (kept encrypted). Refer to people by role, not by name.",
    )

    @property
    def person(self) -> str:
        return self.approver_id


@dataclass(frozen=True)
class Verdict:
    """Outcome of checking a person's input: accepted, or refused with reasons."""

    reasons: list[str] = field(default_factory=list)
    locked: bool = False  # refused because, or newly, locked out (too many refused answers)
    alert: bool = False  # tell the data-protection lead (a claimant locked out, repeated junk)
    finished: bool = False  # accepted, and the step is done: nobody else need answer it
    shares: bool = False  # a finished sign-off whose decision is to share (not expired)

    @property
    def accepted(self) -> bool:
        return not self.reasons
