"""What every ``infoshare`` command shares: the command group, output, errors, access checks.

Every command takes ``--json`` for scripts. Errors are one clear line on stderr and exit code 2
(bad input) or 1 (the operation failed); never a traceback.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import BaseModel, ValidationError

from infoshare import plain_text, prefect_api
from infoshare.config import ConfigError
from infoshare.keys import KeyStoreError
from infoshare.models import MULTI_LINE_FIELDS
from infoshare.reading import where
from infoshare.registry import spec
from infoshare.store import Store, default_store
from infoshare.store.errors import UnknownRequest

json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def emit(as_json: bool, data: Any, text: str) -> None:
    click.echo(json.dumps(data, indent=2, default=str) if as_json else text)


def fail(message: str, code: int = 1) -> None:
    click.echo(f"infoshare: {message}", err=True)
    sys.exit(code)


def validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"{where}: {err['msg']}")
    more = f" (and {exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
    return "; ".join(parts) + more


Model = TypeVar("Model", bound=BaseModel)


def load_model(path: Path, model: type[Model], what: str) -> Model:
    """``model`` read from the JSON file ``path`` (text a person typed: ``plain_text``'s rules),
    or a one-line error saying why it is not ``what`` ("a request"), never quoting a value."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(f"no such file: {path}", 2)
    except RecursionError:
        fail(f"{path} is not {what}: its JSON is nested too deeply", 2)
    except UnicodeDecodeError:
        fail(f"{path} is not UTF-8 text", 2)
    except ValueError as exc:
        fail(f"{path} is not valid JSON: {exc}", 2)
    bad = plain_text.faults(raw, MULTI_LINE_FIELDS)
    if bad:
        problems = "; ".join(f"{where(loc)} {fault}" for loc, fault in bad[:5])
        fail(f"{path} is not {what}: {problems}", 2)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        fail(f"{path} is not {what}: {validation_message(exc)}", 2)
        raise  # unreachable


def open_store() -> Store:
    try:
        return default_store()
    except ConfigError as exc:
        fail(str(exc), 2)
        raise  # unreachable


def report_submitted(
    run: prefect_api.RunInfo, wait: float, as_json: bool, see: str, listing: str
) -> None:
    """Say what a submitted run became: its reference once the run has taken it in (waiting up
    to ``wait`` seconds), where to look at it (``see``, with ``{ref}``; ``listing`` until it is
    taken in) and where to watch the run (the Prefect UI people open: the gate)."""
    store = open_store()
    ref = None
    deadline = time.monotonic() + wait
    while ref is None and time.monotonic() < deadline:
        ref = store.requests.ref_for_run(run.id)
        if ref is None:
            time.sleep(0.5)
    link = f"{store.settings.prefect_ui_url}/runs/flow-run/{run.id}"
    text = (
        f"submitted: {ref}{see.format(ref=ref)}"
        if ref
        else f"submitted as flow run {run.id}; not taken in yet (see `{listing}`)"
    )
    emit(as_json, {"reference": ref, "flow_run_id": run.id, "flow_run_name": run.name,
                   "ui": link}, f"{text}\n  watch it: {link}")  # fmt: skip


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except prefect_api.PrefectApiError as exc:
            fail(str(exc))
        except UnknownRequest as exc:
            fail(str(exc), 2)
        except spec.RegistryError as exc:
            fail(str(exc), 2)
        except ConfigError as exc:
            fail(str(exc), 2)
        except KeyStoreError as exc:
            fail(str(exc), 2)


@click.group(cls=_Group)
@click.version_option(package_name="infoshare")
def main() -> None:
    """infoshare: lawful, recorded, secure information sharing between partners."""


def ref_for(target: str, store: Store) -> str:
    """Accept a request reference or a flow run id."""
    if target.startswith("ISR-"):
        return target
    ref = store.requests.ref_for_run(target)
    if ref is None:
        fail(f"no request for flow run {target} (has it started yet?)", 2)
    assert ref is not None
    return ref


def check_viewer(store: Store, ref: str, person: str, why: str) -> None:
    """Personal data is shown only to a registered person of one of the two agencies, with a
    reason; the look-up itself is logged (DPA 2018 s.62 logs consultation as well as disclosure).
    """
    meta = store.requests.meta(ref)
    member = store.partnership().member(person)
    if member is None or member.agency_id not in (meta.requesting_agency, meta.disclosing_agency):
        fail(f"{person!r} is not registered with an agency party to {ref}", 2)
    if len(why.strip()) < 5:
        fail("say why you need to see the personal data (--why)", 2)
    store.audit.write(ref, None, person, "personal data viewed", why.strip())
