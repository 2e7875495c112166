"""The run form's schema: registry selects, readable choices, what triage needs required.

Checked with the JSON-schema validator the Prefect server uses for the form; the browser
journey (tests/test_ui_journey.py) checks what the UI shows.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import jsonschema
from conftest import Stack, example
from prefect_server import api

from flows.share_request import share_request
from infoshare.registry.spec import DEMO_REGISTRY
from infoshare.request_form import MEANINGS, form_schema
from infoshare.store import Store


def _schema(store: Store) -> dict[str, Any]:
    return form_schema(share_request.parameters.model_dump(), store.partnership())


def _errors(schema: dict[str, Any], request: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [e.message for e in validator.iter_errors({"request": request})]


def test_agencies_and_people_are_registry_selects(store: Store) -> None:
    schema = _schema(store)
    props = schema["definitions"]["ShareRequest"]["properties"]
    agencies = sorted(store.partnership().agencies)
    assert props["requesting_agency"]["enum"] == agencies
    assert props["disclosing_agency"]["enum"] == agencies
    assert "northshire-police = Northshire Police" in props["disclosing_agency"]["description"]
    assert set(props["requester_id"]["enum"]) == set(store.partnership().members)
    assert props["countersigned_by"]["enum"][:1] == [""]
    assert "insp-hughes = Inspector" in props["countersigned_by"]["description"]
    # no staff names in Prefect: ids and roles only
    assert "Rhian" not in str(schema)
    assert form_schema(schema, store.partnership()) == schema  # idempotent


def test_codes_are_explained_and_triage_needs_are_required(store: Store) -> None:
    schema = _schema(store)
    request = schema["definitions"]["ShareRequest"]
    for field, meanings in MEANINGS.items():
        for code in meanings:
            assert f"{code} = " in request["properties"][field]["description"], (field, code)
    assert "SCH1_P2_PARA18_SAFEGUARDING = Sch 1 para 18, safeguarding" in str(schema)
    for field in ("subjects", "items", "consequence_if_not_shared", "lawful_basis"):
        assert field in request["required"]
    assert "default" not in request["properties"]["lawful_basis"]
    good = example("scenario2-hospital.json")
    assert _errors(schema, good) == []
    bad = {**good, "subjects": [], "requester_id": "nobody-here"}
    del bad["consequence_if_not_shared"]
    errors = " ".join(_errors(schema, bad))
    assert "consequence_if_not_shared" in errors and "nobody-here" in errors
    assert "[] should be non-empty" in errors


def test_registry_load_refreshes_the_served_run_form(stack: Stack) -> None:
    """The deployment's form loses its selects (as after a plain `prefect deploy`); loading the
    registry gives them back."""
    url = f"{stack.api_url}/deployments/name/share-request/share-request"
    dep = api("GET", url).json()
    bare = share_request.parameters.model_dump()
    api(
        "PATCH", f"{stack.api_url}/deployments/{dep['id']}", json={"parameter_openapi_schema": bare}
    ).raise_for_status()
    assert "enum" not in _props(api("GET", url).json())["requesting_agency"]
    done = subprocess.run(
        [sys.executable, "-m", "infoshare.cli", "registry", "load", str(DEMO_REGISTRY)],
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "run form refreshed" in done.stdout
    assert "northshire-homes" in _props(api("GET", url).json())["disclosing_agency"]["enum"]


def _props(deployment: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = deployment["parameter_openapi_schema"]["definitions"]["ShareRequest"][
        "properties"
    ]
    return props


def test_the_form_refuses_control_characters_and_lone_surrogates(store: Store) -> None:
    """As Prefect's server checks the form (jsonschema, Python's re): a lone surrogate or a
    control character in any typed field is refused, naming the field; line breaks only in
    multi-line fields."""
    schema = _schema(store)
    good = example("scenario2-hospital.json")
    attacks = [
        ("subjects", 0, "name", "Quilla\udfff"),
        ("subjects", 0, "address", "1 Road\x00"),
        ("items", 0, "description", "A&E\x1b[2J"),
        ("items", 0, "necessity", "because\x85"),
        (None, None, "offence_or_risk", "\ud800theft"),
        (None, None, "isa_reference", "ISA\tone"),
    ]
    for top, index, field, value in attacks:
        bad = example("scenario2-hospital.json")
        (bad[top][index] if top else bad)[field] = value
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors({"request": bad}))
        assert [list(e.path)[-1] for e in errors] == [field], (field, errors)
    multi = {**good, "consequence_if_not_shared": "Line one\n\tline two\r\n"}
    assert _errors(schema, multi) == []
    single = {**good, "subjects": [{"name": "Quilla\nTest"}]}
    assert len(_errors(schema, single)) == 1
