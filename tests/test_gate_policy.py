"""The gate's role policy as a matrix: every role, against what the Prefect UI and API offer,
with each method; and the bodies the gate refuses whoever sends them."""

from __future__ import annotations

import json

import pytest

from infoshare.gate.policy import MAX_DEPTH, Kind, Role, decide

RUN = "0f0e0d0c-0b0a-4908-8706-050403020100"
SHARE = "11111111-2222-4333-8444-555555555555"  # the share-request deployment
OTHER = "99999999-2222-4333-8444-555555555555"  # any other deployment
CREATABLE = frozenset({SHARE})

A, P, X = Role.ANONYMOUS, Role.PERSON, Role.ADMIN
EVERYONE = {A, P, X}
SIGNED_IN = {P, X}
ADMINS = {X}

# (method, path, the roles allowed)
MATRIX: list[tuple[str, str, set[Role]]] = [
    # the UI itself
    ("GET", "/", SIGNED_IN),
    ("GET", "/runs", SIGNED_IN),
    ("GET", "/assets/index.js", SIGNED_IN),
    ("POST", "/runs", set()),
    ("GET", "/api/health", EVERYONE),
    ("GET", "/api/version", SIGNED_IN),
    # reading runs, logs, artifacts, deployments
    ("GET", f"/api/flow_runs/{RUN}", SIGNED_IN),
    ("POST", "/api/flow_runs/filter", SIGNED_IN),
    ("POST", "/api/flow_runs/paginate", SIGNED_IN),
    ("POST", "/api/flow_runs/count", SIGNED_IN),
    ("POST", "/api/ui/flow_runs/history", SIGNED_IN),
    ("POST", "/api/ui/schemas/validate", SIGNED_IN),
    ("GET", f"/api/flow_runs/{RUN}/graph-v2", SIGNED_IN),
    ("GET", f"/api/flow_run_states/?flow_run_id={RUN}", SIGNED_IN),
    ("POST", "/api/task_runs/filter", SIGNED_IN),
    ("POST", "/api/logs/filter", SIGNED_IN),
    ("POST", "/api/artifacts/filter", SIGNED_IN),
    ("POST", "/api/events/filter", SIGNED_IN),
    ("POST", "/api/events/count-by/day", SIGNED_IN),
    ("GET", f"/api/deployments/{SHARE}", SIGNED_IN),
    ("POST", "/api/deployments/filter", SIGNED_IN),
    ("WEBSOCKET", "/api/events/out", SIGNED_IN),
    ("WEBSOCKET", "/api/logs/out", SIGNED_IN),
    ("WEBSOCKET", "/api/events/in", ADMINS),
    # writing logs or events, creating artifacts: administrators (the flows use the API directly)
    ("POST", "/api/logs/", ADMINS),
    ("POST", "/api/events", ADMINS),
    ("POST", "/api/artifacts/", ADMINS),
    # creating runs: only of the share-request (and enquiry) deployments
    ("POST", f"/api/deployments/{SHARE}/create_flow_run", SIGNED_IN),
    ("POST", f"/api/deployments/{OTHER}/create_flow_run", ADMINS),
    ("POST", "/api/flow_runs/", ADMINS),
    # resuming the current pause; the resume form (schema, description) but never its answers
    ("POST", f"/api/flow_runs/{RUN}/resume", SIGNED_IN),
    ("GET", f"/api/flow_runs/{RUN}/input/paused-signoff-1-schema", SIGNED_IN),
    ("GET", f"/api/flow_runs/{RUN}/input/paused-signoff-1-description", SIGNED_IN),
    ("GET", f"/api/flow_runs/{RUN}/input/paused-signoff-1-response", ADMINS),
    ("POST", f"/api/flow_runs/{RUN}/input/filter", ADMINS),
    ("POST", f"/api/flow_runs/{RUN}/input", ADMINS),
    ("DELETE", f"/api/flow_runs/{RUN}/input/paused-signoff-1-schema", ADMINS),
    # state changes, deletes, changed runs
    ("POST", f"/api/flow_runs/{RUN}/set_state", ADMINS),
    ("POST", "/api/flow_runs/bulk_set_state", ADMINS),
    ("DELETE", f"/api/flow_runs/{RUN}", ADMINS),
    ("POST", "/api/flow_runs/bulk_delete", ADMINS),
    ("PATCH", f"/api/flow_runs/{RUN}", ADMINS),
    ("PATCH", f"/api/flow_runs/{RUN}/labels", ADMINS),
    ("DELETE", f"/api/task_runs/{RUN}", ADMINS),
    # deployments, work pools, automations, variables, blocks, settings, concurrency
    ("PATCH", f"/api/deployments/{SHARE}", ADMINS),
    ("DELETE", f"/api/deployments/{SHARE}", ADMINS),
    ("POST", "/api/deployments/", ADMINS),
    ("POST", f"/api/deployments/{SHARE}/schedules", ADMINS),
    ("POST", f"/api/deployments/{SHARE}/pause_deployment", ADMINS),
    ("GET", "/api/work_pools/default", SIGNED_IN),  # the UI shows a deployment's pool
    ("GET", "/api/work_pools/default/queues/default", SIGNED_IN),
    ("POST", "/api/work_pools/filter", ADMINS),  # people: shown empty
    ("GET", f"/api/automations/related-to/prefect.deployment.{SHARE}", ADMINS),  # shown empty
    ("PATCH", "/api/work_pools/default", ADMINS),
    ("POST", "/api/automations/filter", ADMINS),
    ("PATCH", f"/api/automations/{RUN}", ADMINS),
    ("DELETE", f"/api/automations/{RUN}", ADMINS),
    ("GET", "/api/variables/name/x", ADMINS),
    ("POST", "/api/variables/", ADMINS),
    ("POST", "/api/block_documents/filter", ADMINS),
    ("GET", "/api/admin/settings", ADMINS),  # people: shown empty (below)
    ("GET", "/api/admin/version", SIGNED_IN),
    ("POST", "/api/v2/concurrency_limits/", ADMINS),
    # addresses that do not say plainly what they are: nobody
    ("GET", f"/api/flow_runs/{RUN}/../../variables/name/x", set()),
    ("GET", "/api//variables/name/x", set()),
    ("GET", "//api/variables/name/x", set()),
    ("GET", "/runs/../api/variables/name/x", set()),
    ("GET", "/runs\\..\\api", set()),
]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("method", "path", "allowed"), MATRIX)
def test_role_policy(role: Role, method: str, path: str, allowed: set[Role]) -> None:
    d = decide(role, method, path.split("?")[0], b"", CREATABLE)
    if d.kind == Kind.EMPTY:  # allowed, but answered by the gate with nothing
        assert role == Role.PERSON and role not in allowed and d.empty in ("{}", "[]")
        return
    assert d.allow == (role in allowed), f"{role} {method} {path}: {d.reason}"
    if not d.allow:
        assert d.reason  # a refusal always says why
        if role == Role.PERSON and "administrators only" not in d.reason:
            assert (
                "cannot be read" in d.reason
                or "outside the API" in d.reason
                or ("deployments can be run" in d.reason)
            )


def test_a_resume_is_marked_for_stamping_and_a_refusal_explains_itself() -> None:
    d = decide(Role.PERSON, "POST", f"/api/flow_runs/{RUN}/resume", b'{"run_input": {}}')
    assert d.allow and d.kind == Kind.RESUME and d.stamp
    d = decide(Role.PERSON, "PATCH", f"/api/deployments/{SHARE}", b'{"pull_steps": []}')
    assert not d.allow and d.reason == "PATCH /api/deployments is for administrators only"
    assert decide(Role.ANONYMOUS, "GET", "/runs").reason == "sign in to infoshare's workspace first"


BAD_BODIES = {
    "workspace variable": {
        "run_input": {"reasons": {"__prefect_kind": "workspace_variable", "variable_name": "x"}}
    },  # fmt: skip
    "jinja expression": {"run_input": {"reasons": "{{ 7 * 7 }}"}},
    "jinja statement": {"parameters": {"req": {"purpose": "{% for x in y %}"}}},
    "jinja comment": {"parameters": {"req": {"purpose": "{# x #}"}}},
    "template in a key": {"run_input": {"{{ x }}": "y"}},
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
@pytest.mark.parametrize("role", [Role.PERSON, Role.ADMIN])
def test_templates_are_refused_in_answers_and_new_runs_whoever_sends_them(
    name: str, role: Role
) -> None:
    body = json.dumps(BAD_BODIES[name]).encode()
    for path in (f"/api/flow_runs/{RUN}/resume", f"/api/deployments/{SHARE}/create_flow_run"):
        d = decide(role, "POST", path, body, CREATABLE)
        assert not d.allow and "templates" in d.reason, (name, path)


def test_escaped_templates_are_seen_as_the_server_would_read_them() -> None:
    body = b'{"run_input": {"reasons": "\\u007b\\u007b 7 * 7 }}"}}'
    assert not decide(Role.PERSON, "POST", f"/api/flow_runs/{RUN}/resume", body).allow


def test_unreadable_deep_and_surrogate_bodies_are_refused_with_a_reason() -> None:
    resume = f"/api/flow_runs/{RUN}/resume"
    assert decide(Role.PERSON, "POST", resume, b"{not json").reason == (
        "the request body is not readable JSON"
    )
    deep = b'{"run_input": ' + b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1) + b"}"
    assert "nested more than" in decide(Role.PERSON, "POST", resume, deep).reason
    very_deep = b"[" * 100_000 + b"]" * 100_000
    assert not decide(Role.PERSON, "POST", "/api/flow_runs/filter", very_deep).allow
    lone = b'{"run_input": {"reasons": "\\udfff"}}'
    assert "lone surrogate" in decide(Role.PERSON, "POST", resume, lone).reason
    plain = b'{"run_input": {"reasons": "Necessary and proportionate: risk of harm."}}'
    assert decide(Role.PERSON, "POST", resume, plain).allow


def test_administrators_may_template_elsewhere() -> None:
    """Automations' actions are Jinja templates: an administrator may still write them."""
    body = json.dumps({"actions": [{"parameters": {"run": "{{ flow_run.id | string }}"}}]})
    assert decide(Role.ADMIN, "POST", "/api/automations/", body.encode()).allow
    assert not decide(Role.PERSON, "POST", "/api/flow_runs/filter", body.encode()).allow
