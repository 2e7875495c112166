"""What infoshare's deployments were meant to be, and how a deployed one differs.

Anyone who reaches Prefect's API can change a deployment: pull steps (code run before the flow
by a process worker), the entrypoint, job variables (a worker's process environment), planted
default parameters, or switch off the server's check of the run form's schema. A share-request
run compares its own deployment with what infoshare declared before it does anything with the
request, and refuses to go on when they differ; the watchdog compares it every sweep and puts
the declared values back.

What is declared: ``prefect.yaml`` (production: ``prefect deploy --all`` and process workers)
and ``flows/serve.py`` (the embedded default: served from one process, or put on a work pool of
its own worker with ``INFOSHARE_WORKER``; no pull steps, no job variables). A deployment with a
work pool must match either; one without must match what serve declares. Pull steps are allowed only as prefect.yaml has them, with the
working directory this checkout itself (where the running code was loaded from).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]  # the checkout the running code comes from
SHARE_REQUEST = "share-request"
SHARE_REQUEST_FLOW = "share-request"
ENQUIRY = "enquiry"


class DeploymentChanged(Exception):
    """A run's deployment is not what infoshare declared; the message names the fields only
    (never their values, which an attacker chose)."""


@dataclass(frozen=True)
class Deployed:
    """The fields of a deployment that decide what code runs, where, and with what input."""

    pull_steps: list[dict[str, Any]] | None
    entrypoint: str | None
    job_variables: dict[str, Any] | None
    parameters: dict[str, Any] | None
    enforce_parameter_schema: bool | None
    work_pool_name: str | None = None


@dataclass(frozen=True)
class Declared:
    pull_steps: list[dict[str, Any]]
    entrypoints: frozenset[str]
    job_variables: dict[str, Any]
    parameters: dict[str, Any] = field(default_factory=dict)
    enforce_parameter_schema: bool = True


_ENV = re.compile(r"\{\{\s*\$([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def _here(value: Any) -> Any:
    """prefect.yaml's ``{{ $VAR }}`` templates, as ``prefect deploy`` fills them in; the code
    directory is this checkout (the worker runs the code from here)."""
    if isinstance(value, dict):
        return {k: _here(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_here(v) for v in value]
    if isinstance(value, str):
        return _ENV.sub(
            lambda m: str(ROOT) if m[1] == "INFOSHARE_CODE_DIR" else os.environ.get(m[1], ""),
            value,
        )
    return value


def _entrypoints(entrypoint: str) -> frozenset[str]:
    """The entrypoint as written, and as Prefect may store it: absolute, or a module path."""
    path, _, name = entrypoint.partition(":")
    module = path.removesuffix(".py").replace("/", ".")
    return frozenset({entrypoint, f"{ROOT / path}:{name}", f"{module}.{name}"})


# Where serve finds them when no prefect.yaml is installed beside the code (a wheel).
_SERVED = {
    SHARE_REQUEST: "flows/share_request.py:share_request",
    ENQUIRY: "flows/enquiry.py:enquiry",
}


def _prefect_yaml() -> dict[str, Any]:
    path = ROOT / "prefect.yaml"
    if not path.is_file():
        return {"deployments": [{"name": n, "entrypoint": e} for n, e in _SERVED.items()]}
    # LibYAML's safe loader where PyYAML has it: 1 ms against 9 ms, in each run's check
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loaded: dict[str, Any] = yaml.load(path.read_text(), Loader=loader)  # noqa: S506 - safe
    return loaded


@cache
def declared(name: str, with_work_pool: bool) -> Declared:
    """What infoshare declared for deployment ``name``: prefect.yaml's with a work pool,
    serve's (no pull steps, no job variables) without."""
    spec = _prefect_yaml()
    (dep,) = [d for d in spec["deployments"] if d["name"] == name]
    entrypoints = _entrypoints(dep["entrypoint"])
    if not with_work_pool:
        return Declared(pull_steps=[], entrypoints=entrypoints, job_variables={})
    return Declared(
        pull_steps=_here(spec.get("pull") or []),
        entrypoints=entrypoints,
        job_variables=_here((dep.get("work_pool") or {}).get("job_variables") or {}),
        parameters=dep.get("parameters") or {},
        enforce_parameter_schema=dep.get("enforce_parameter_schema", True),
    )


def _steps(steps: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Pull steps compared with the working directory resolved (``$PWD`` may be a symlink)."""
    out = []
    for step in steps or []:
        step = {k: dict(v) if isinstance(v, dict) else v for k, v in step.items()}
        for name, args in step.items():
            if name.endswith("set_working_directory") and isinstance(args, dict):
                args["directory"] = str(Path(str(args.get("directory"))).resolve())
        out.append(step)
    return out


def declared_entrypoint(name: str) -> str:
    """The entrypoint as prefect.yaml writes it (relative to the code directory)."""
    (dep,) = [d for d in _prefect_yaml()["deployments"] if d["name"] == name]
    return str(dep["entrypoint"])


def differences(name: str, deployed: Deployed) -> list[str]:
    """The fields of ``deployed`` that are not as infoshare declared them (empty: as meant).
    A deployment on a work pool may also be as ``flows.serve`` applies it for its own worker
    (``INFOSHARE_WORKER``: no pull steps, no job variables); either declaration is infoshare's."""
    changed = _against(declared(name, deployed.work_pool_name is not None), deployed)
    if changed and deployed.work_pool_name is not None:
        return [] if not _against(declared(name, False), deployed) else changed
    return changed


def _against(want: Declared, deployed: Deployed) -> list[str]:
    changed = []
    if _steps(deployed.pull_steps) != _steps(want.pull_steps):
        changed.append("pull_steps")
    if deployed.entrypoint not in want.entrypoints:
        changed.append("entrypoint")
    if (deployed.job_variables or {}) != want.job_variables:
        changed.append("job_variables")
    if (deployed.parameters or {}) != want.parameters:
        changed.append("parameters")
    if deployed.enforce_parameter_schema is not want.enforce_parameter_schema:
        changed.append("enforce_parameter_schema")
    return changed


def refusal(changed: list[str], name: str = SHARE_REQUEST) -> str:
    return (
        f"the {name} deployment is not as infoshare declared it "
        f"(changed: {', '.join(changed)}): the run was refused"
    )
