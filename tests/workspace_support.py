"""What the workspace's HTTP tests share: a store with the demo partnership (plus one MASH
colleague who is not an approver), requests brought to a given step through the domain's own
steps, and a visitor: an httpx client on the workspace's ASGI app, with its own cookies, who
signs in with the code the real SMTP server (aiosmtpd) received."""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Mailbox, example, wait_until

from infoshare.config import load_settings
from infoshare.identity import workspace_proof
from infoshare.identity.signatures import answer_sha256
from infoshare.models import ShareRequest, Step
from infoshare.policy.answers import OverrideInput, SignOffInput
from infoshare.records.compose import record_decision
from infoshare.registry import spec
from infoshare.setup import initialise
from infoshare.steps import apply_override, apply_signoff, run_triage
from infoshare.store import Store
from infoshare.transfer import transfer
from infoshare.workspace.app import build_app
from infoshare.workspace.config import WorkspaceSettings

URL = "http://localhost:4300"
SIGNIN_CODE = re.compile(r"Your sign-in code: ([A-Z2-7]{4}-[A-Z2-7]{4})")
CSRF = re.compile(r'name="csrf-token" content="([^"]*)"')
SUBJECT = "Morwenna Fictitious-Mother"  # in examples/scenario2-hospital.json


_TEMPLATE: dict[str, Path] = {}


def _template_home() -> Path:
    """One initialised home (schema, registry, agency keys) per test session, copied for each
    test: initialising takes seconds, copying milliseconds."""
    if "home" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="workspace-template-"))
        atexit.register(shutil.rmtree, folder, True)
        data = json.loads(spec.DEMO_REGISTRY.read_text())
        data["people"].append(
            {"id": "mash-admin", "agency": "northshire-mash", "name": "Pat Lowe",
             "role": "MASH Business Support", "email": "pat.lowe@mash.northshire.example"}
        )  # fmt: skip
        registry = folder / "registry.json"
        registry.write_text(json.dumps(data))
        store = Store(load_settings({"INFOSHARE_HOME": str(folder / "home")}))
        initialise(store, registry)
        store.close()  # the last connection closed: the WAL is checkpointed into the file
        _TEMPLATE["home"] = folder / "home"
    return _TEMPLATE["home"]


def make_store(folder: Path) -> Store:
    """A store of its own in ``folder``: the demo partnership plus one MASH colleague who is
    not an approver (mash-admin), agency keys made."""
    home = folder / "home"
    shutil.copytree(_template_home(), home)
    return Store(load_settings({"INFOSHARE_HOME": str(home)}))


@pytest.fixture
def ws_store(tmp_path: Path) -> Iterator[Store]:
    store = make_store(tmp_path)
    yield store
    store.close()


@contextmanager
def mail_to(mailbox: Mailbox) -> Iterator[Mailbox]:
    """Notifications (sign-in codes) go to the session's real SMTP server meanwhile."""
    saved = {k: os.environ.pop(k, None) for k in ("INFOSHARE_SMTP_URL", "INFOSHARE_SMTP_BLOCK")}
    os.environ["INFOSHARE_SMTP_URL"] = mailbox.url
    try:
        yield mailbox
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture
def smtp(mailbox: Mailbox) -> Iterator[Mailbox]:
    with mail_to(mailbox) as box:
        yield box


def signin_codes(mailbox: Mailbox, email: str) -> list[str]:
    out = []
    for m in list(mailbox.messages):
        if m["X-Infoshare-Kind"] == "workspace_signin_code" and email in str(m["To"]):
            body = m.get_body(("plain",))
            found = SIGNIN_CODE.search(body.get_content() if body else "")
            if found:
                out.append(found.group(1))
    return out


def messages_to(mailbox: Mailbox, email: str) -> list[EmailMessage]:
    return [m for m in list(mailbox.messages) if email in str(m["To"])]


class Visitor:
    """One browser: its own cookies, talking to the app in-process."""

    def __init__(self, app: Any, address: str = "127.0.0.1") -> None:
        self.loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=app, client=(address, 50000))
        self.client = httpx.AsyncClient(transport=transport, base_url=URL)
        self.csrf = ""

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()

    def _keep_csrf(self, r: httpx.Response) -> httpx.Response:
        found = CSRF.search(r.text) if "text/html" in r.headers.get("content-type", "") else None
        if found and found.group(1):
            self.csrf = found.group(1)
        return r

    def get(self, path: str) -> httpx.Response:
        return self._keep_csrf(self.loop.run_until_complete(self.client.get(path)))

    def post(self, path: str, data: dict[str, Any] | None = None, *, csrf: str | None = None,
             origin: str | None = URL, **kw: Any) -> httpx.Response:  # fmt: skip
        fields = {"csrf": self.csrf if csrf is None else csrf, **(data or {})}
        headers = {"origin": origin} if origin else {}
        r = self.client.post(path, data=fields, headers=headers, **kw)
        return self._keep_csrf(self.loop.run_until_complete(r))

    def ask_code(self, who: str) -> httpx.Response:
        self.get("/signin")
        return self.post("/signin", {"who": who})

    def sign_in(self, person_id: str, store: Store, mailbox: Mailbox) -> None:
        email = store.partnership().members[person_id].email
        before = len(signin_codes(mailbox, email))
        self.ask_code(person_id)
        code = wait_until("a sign-in code", lambda: signin_codes(mailbox, email)[before:], 30)[-1]
        r = self.post("/signin/code", {"code": code})
        assert r.status_code == 303 and r.headers["location"] == "/work", r.text
        self.get("/work")


def app_for(store: Store, **settings: Any) -> Any:
    return build_app(store, WorkspaceSettings(**settings))


# --- requests at a given step, brought there by the domain's own steps ---------------------------


def new_request(store: Store, name: str = "scenario2-hospital.json") -> str:
    req = ShareRequest.model_validate(example(name))
    ref = store.requests.register(req, flow_run_id=str(uuid.uuid4()))
    run_triage(store, ref)
    return ref


def answered_in_workspace(store: Store, ref: str, step: Step, answer: Any) -> None:
    """What the flow does with an answer given in the workspace: checked, proof spent."""
    proof = workspace_proof.issue(store, ref, step.value, answer.person, answer_sha256(answer),
                                  "mailed code")  # fmt: skip
    answer = type(answer).model_validate({**answer.model_dump(), "workspace": proof})
    apply = apply_override if step == Step.OVERRIDE else apply_signoff
    verdict = apply(store, ref, answer)
    assert verdict.accepted, verdict.reasons


def override_by(store: Store, ref: str, person: str) -> None:
    answered_in_workspace(store, ref, Step.OVERRIDE, OverrideInput(
        person_id=person, grounds=["SAFEGUARD_CHILDREN"], subject_informed=False,
        proportionality="Two young children at risk; only dates and injuries go.",
        not_informed_reason="Telling her now would raise the risk.",
    ))  # fmt: skip
    store.requests.set_status(ref, "AWAITING_SIGNOFF")


def share(store: Store, ref: str, approvers: list[str], items: list[str]) -> None:
    for who in approvers:
        answered_in_workspace(store, ref, Step.SIGNOFF, SignOffInput(
            approver_id=who, decision="SHARE", approved_items=items,
            reasons="Necessary to safeguard the children; nothing else goes.",
        ))  # fmt: skip


def delivered(store: Store, nurse: str = "nurse-lee") -> str:
    """A request shared (item-1 only) through the directory inbox and recorded."""
    ref = new_request(store)
    override_by(store, ref, nurse)
    store.requests.provide_item(ref, "item-1", b"2026-03-02, 2026-07-19", nurse)
    share(store, ref, ["caldicott-rao", "caldicott-deputy"], ["item-1"])
    transfer(store, ref)
    record_decision(store, ref)
    return ref
