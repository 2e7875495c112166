"""An answer that passes the gate is stamped with the person signed in.

The gate puts the workspace's proof (``infoshare.identity.workspace_proof``) in the answer's
``workspace`` field, bound to the run, the step, the person, the request and the answer, and
signed with a key derived from the store's master key (only infoshare holds it). The flow
checks it as it checks any proof; the record says ``workspace sign-in: passkey`` (or ``mailed
code``). Whatever proof the person typed is replaced, except a signature by their own key
(``infoshare approve --sign``), which is proof enough; a mailed code typed with the answer is
spent all the same, so it cannot be used again; an answer in someone else's name is refused.
"""

from __future__ import annotations

import json
from typing import Any, cast

from pydantic import ValidationError

from infoshare.identity import codes, workspace_proof
from infoshare.identity.signatures import Answer, answer_sha256
from infoshare.store import Store
from infoshare.timeliness import WAITING_STATUSES
from infoshare.workspace.pages_answer import FORMS


def stamp(
    store: Store, run_id: str, person_id: str, how: str, body: bytes, admin: bool = False
) -> bytes | str:
    """The resume body to forward, stamped; or why it is refused. An administrator may resume
    a run that is not a request's (nothing to stamp); a request's, only in their own name."""
    data = json.loads(body or b"{}")
    if not isinstance(data, dict) or not isinstance(data.get("run_input"), dict):
        return "an answer is a filled-in resume form (run_input)"
    given: dict[str, Any] = data["run_input"]
    ref = store.requests.ref_for_run(run_id)
    if ref is None and admin:
        return body
    step = WAITING_STATUSES.get(store.requests.meta(ref).status) if ref else None
    if ref is None or step is None:
        return "this run is not waiting for anyone's answer"
    if given.get("signature"):
        return body  # signed with the person's own key: the flow checks the signature
    try:
        answer = cast(Answer, FORMS[step].model_validate({**given, "code": "", "workspace": ""}))
    except ValidationError:
        # forwarded without a proof: the server refuses it for the fields at fault
        return json.dumps({**data, "run_input": {**given, "code": "", "workspace": ""}}).encode()
    if answer.person != person_id:
        return f"you are signed in as {person_id}: answer in your own name"
    if how not in workspace_proof.HOW:
        how = "mailed code"
    proof = workspace_proof.issue(store, ref, step.value, person_id, answer_sha256(answer), how)
    store.audit.write(ref, step.value, person_id, "answer sent through the gate")
    typed = given.get("code")
    spent = (
        isinstance(typed, str)
        and typed.strip()
        and (codes.redeem(store, ref, step.value, person_id, run_id, typed) is None)
    )
    if spent:
        store.audit.write(ref, step.value, person_id, "code typed with the answer spent")
    run_input = {**answer.model_dump(mode="json"), "workspace": proof}
    return json.dumps({**data, "run_input": run_input}).encode()
