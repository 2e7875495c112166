"""What a person may do through the gate: a pure decision on (role, method, path, body).

People (anyone registered and signed in to the workspace) may only:

* read runs, task runs, flows, deployments, logs, artifacts and events (GET, and the POST
  queries the UI reads with: ``/filter``, ``/count``, ``/paginate``, ``/history``, ``/ui/...``),
  and follow events and logs over websockets;
* read a paused run's resume form (its ``-schema`` and ``-description`` run input), never its
  answers (``-response``) or any other run input;
* create runs of the share-request deployment (and an ``enquiry`` one, if deployed);
* resume a run's current pause (the gate stamps the answer with who they are).

Everything else (deployments, work pools, automations, variables, blocks, state changes,
deletes, run input other than the resume itself, concurrency, settings) is for the
administrators named in ``INFOSHARE_GATE_ADMINS``. Anyone not signed in may reach only
``/api/health``. A body the gate lets through is JSON it could read, and for a run or an answer
(and any body from a non-administrator) carries no ``__prefect_kind`` substitution and no Jinja
(``{{``, ``{%``, ``{#``), which the Prefect server would otherwise expand.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    PERSON = "person"
    ADMIN = "administrator"


class Kind(StrEnum):
    """What an allowed request is, for the proxy (a resume is stamped)."""

    UI = "ui"
    READ = "read"
    CREATE_RUN = "create run"
    RESUME = "resume"
    ADMIN = "administration"
    GATE = "gate"
    EMPTY = "shown empty"  # the UI asks on every page; people are answered with nothing


@dataclass(frozen=True)
class Decision:
    allow: bool
    reason: str
    kind: Kind | None = None
    empty: str = ""  # for Kind.EMPTY: the JSON the gate answers itself

    @property
    def stamp(self) -> bool:
        return self.kind == Kind.RESUME


ADMIN_ONLY = "for administrators only"
MAX_DEPTH = 32
WEBSOCKET = "WEBSOCKET"

# What people may read (the first segment after /api/)
READABLE = frozenset(
    {"flow_runs", "task_runs", "flows", "deployments", "logs", "artifacts", "events",
     "flow_run_states", "task_run_states", "ui", "health", "ready", "version", "csrf-token",
     "hello", "work_pools"}
)  # fmt: skip
# POST endpoints that only read (the UI's queries)
QUERY_ENDS = ("/filter", "/count", "/paginate", "/history", "/lateness", "/filter/next")
_COUNT_BY = re.compile(r"^/api/events/count-by/[a-z_]+/?$")
_SEGMENT = r"[A-Za-z0-9_.:~-]+"
_SAFE_API_PATH = re.compile(rf"^/api(/{_SEGMENT})*/?$")
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_RUN_INPUT = re.compile(rf"^/api/flow_runs/{_UUID}/input(/.*)?$")
_FORM_INPUT = re.compile(rf"^/api/flow_runs/{_UUID}/input/{_SEGMENT}-(schema|description)$")
_RESUME = re.compile(rf"^/api/flow_runs/({_UUID})/resume/?$")
_CREATE_RUN = re.compile(rf"^/api/deployments/({_UUID})/create_flow_run/?$")
_STREAMS = frozenset({"/api/events/out", "/api/logs/out"})
_TEMPLATING = ("__prefect_kind", "{{", "{%", "{#")
# What the UI reads on its pages that is for administrators: people get an empty answer from
# the gate itself (nothing reaches Prefect, nothing worth an audit line)
_EMPTY_FOR_PEOPLE = [
    ("GET", re.compile(r"^/api/admin/settings/?$"), "{}"),
    ("GET", re.compile(rf"^/api/automations/related-to/{_SEGMENT}$"), "[]"),
    ("POST", re.compile(r"^/api/work_pools/filter/?$"), "[]"),
    ("POST", re.compile(r"^/api/work_queues/filter/?$"), "[]"),
]


def _dots(path: str) -> bool:
    return any(seg in (".", "..") for seg in path.split("/"))


def refused(reason: str) -> Decision:
    return Decision(False, reason)


def run_of_resume(path: str) -> str | None:
    """The run a resume path names, or None."""
    m = _RESUME.match(path)
    return m.group(1).lower() if m else None


def decide(
    role: Role,
    method: str,
    path: str,
    body: bytes = b"",
    creatable: frozenset[str] = frozenset(),
) -> Decision:
    """Allow or refuse one request through the gate, with the reason (shown on a refusal).

    ``path`` is the decoded path the request would be forwarded with; ``creatable`` the ids of
    the deployments people may run (share-request, enquiry), looked up by the caller."""
    method = method.upper()
    if not path.startswith("/") or "//" in path or "\\" in path or _dots(path):
        return refused("that address cannot be read by the gate")
    if path.startswith("/gate/"):
        return Decision(True, "the gate's own", Kind.GATE)
    api = path == "/api" or path.startswith("/api/")
    if role == Role.ANONYMOUS:
        if api and path.rstrip("/") in ("/api/health", "/api/ready") and method in ("GET", "HEAD"):
            return Decision(True, "health check", Kind.READ)
        return refused("sign in to infoshare's workspace first")
    if not api:
        if method in ("GET", "HEAD"):
            return Decision(True, "the Prefect UI", Kind.UI)
        return refused(f"{method} is not allowed outside the API")
    if not _SAFE_API_PATH.match(path):
        return refused("that address cannot be read by the gate")
    resume = run_of_resume(path) is not None and method == "POST"
    m = _CREATE_RUN.match(path)
    create = m is not None and method == "POST" and m.group(1).lower() in creatable
    if resume or create or role != Role.ADMIN:
        problem = body_problem(body)
        if problem:
            return refused(problem)
    if role == Role.ADMIN:
        if resume:
            return Decision(True, "an answer to the run's current pause", Kind.RESUME)
        return Decision(True, "an administrator", Kind.ADMIN)
    return _person(method, path, create)


def _person(method: str, path: str, create: bool) -> Decision:
    first = path.removeprefix("/api/").split("/", 1)[0]
    if method == "GET" and path.rstrip("/") == "/api/admin/version":
        return Decision(True, "reading the version", Kind.READ)
    for m, pattern, empty in _EMPTY_FOR_PEOPLE:
        if method == m and pattern.match(path):
            return Decision(True, f"{first} is {ADMIN_ONLY}: shown empty", Kind.EMPTY, empty)
    if method == WEBSOCKET:
        if path.rstrip("/") in _STREAMS:
            return Decision(True, "following events and logs", Kind.READ)
        return refused(f"that stream is {ADMIN_ONLY}")
    if _RUN_INPUT.match(path):
        if method in ("GET", "HEAD") and _FORM_INPUT.match(path):
            return Decision(True, "a resume form", Kind.READ)
        return refused(f"a run's input is {ADMIN_ONLY} (answer through the resume form)")
    if method == "POST" and run_of_resume(path) is not None:
        return Decision(True, "an answer to the run's current pause", Kind.RESUME)
    if create:
        return Decision(True, "a new request", Kind.CREATE_RUN)
    if first not in READABLE:
        return refused(f"{first or 'that'} is {ADMIN_ONLY}")
    if method in ("GET", "HEAD"):
        return Decision(True, "reading", Kind.READ)
    if method == "POST" and (
        first == "ui" or path.rstrip("/").endswith(QUERY_ENDS) or _COUNT_BY.match(path)
    ):
        return Decision(True, "a query", Kind.READ)
    if _CREATE_RUN.match(path):
        return refused("only the share-request (and enquiry) deployments can be run by people")
    return refused(f"{method} {'/'.join(path.split('/')[:3])} is {ADMIN_ONLY}")


def body_problem(body: bytes) -> str | None:
    """Why a request body may not pass the gate, or None: it must be readable JSON, not nested
    deeper than MAX_DEPTH, with no lone surrogates, no ``__prefect_kind`` and no Jinja."""
    if not body.strip():
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return "the request body is not readable JSON"
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"the request body is nested more than {MAX_DEPTH} deep"
        if isinstance(value, dict):
            for k, v in value.items():
                stack.append((k, depth))
                stack.append((v, depth + 1))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, str):
            if any(t in value for t in _TEMPLATING):
                return "templates ({{, {%, {#) and __prefect_kind are not accepted in requests"
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return "the request contains a character that is not text (a lone surrogate)"
    return None
