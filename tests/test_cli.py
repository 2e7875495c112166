"""The ``infoshare`` command as a user meets it: JSON output, exit codes, one-line errors.

No Prefect server: commands that need one are pointed at a closed loopback port.
"""

from __future__ import annotations

import json
import socket
import stat
import struct
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import infoshare.store as store_module
from infoshare.cli import main

sys.path.insert(0, str(Path(__file__).parent))
from conftest import outbox_confirmation  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AGENCIES = {
    "northshire-police",
    "northshire-council",
    "northshire-hospitals",
    "northshire-academy",
    "northshire-homes",
    "northshire-yjs",
    "northshire-mash",
}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def home(cli_home: Path) -> Path:
    return cli_home


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_clean_error(result: Result, code: int, *fragments: str) -> str:
    """Exit ``code`` with one line on stderr naming the problem, and no traceback."""
    assert result.exit_code == code, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    err = result.stderr.strip()
    assert err.startswith("infoshare: "), err
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in result.output
    for f in fragments:
        assert f in err, err
    return err


def test_init_json(home: Path) -> None:
    result = run("init", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["home"] == str(home)
    assert (data["agencies"], data["people"], data["isas"]) == (7, 24, 1)
    assert set(data["keys_created"]) == AGENCIES
    for kind in ("x25519", "ed25519"):
        (key,) = (home / "keys" / "agencies" / "northshire-police").glob(f"{kind}-*.key")
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        kdf = json.loads(key.read_bytes())["kdf"]
        assert kdf["name"] == "hkdf-sha256"  # under the master key, a random key: not stretched
    assert stat.S_IMODE((home / "keys" / "master.key").stat().st_mode) == 0o600


def test_init_again_keeps_keys(home: Path) -> None:
    assert run("init", "--json").exit_code == 0
    keys = home / "keys" / "agencies" / "northshire-mash"
    before = {k.name: k.read_bytes() for k in keys.iterdir()}
    again = run("init", "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["keys_created"] == []
    assert {k.name: k.read_bytes() for k in keys.iterdir()} == before


def test_init_tightens_a_home_others_could_read(home: Path) -> None:
    """A home made 0755 (by hand, or by an older infoshare), with its databases and a key
    readable by everyone: the next start leaves it this user's alone."""
    assert run("init").exit_code == 0
    prefect = home / "prefect"
    prefect.mkdir()
    (prefect / "prefect.db").write_bytes(b"runs")
    (prefect / "storage").mkdir()
    (prefect / "storage" / "result").write_bytes(b"pickled")
    loose = [home, prefect, prefect / "storage", *home.rglob("*.db"), *home.rglob("*.key")]
    loose += [prefect / "storage" / "result", home / "keys", home / "keys" / "agencies"]
    for path in loose:
        path.chmod(0o755 if path.is_dir() else 0o644)
    result = run("init")
    assert result.exit_code == 0, result.output
    assert {p.name for p in loose} >= {"infoshare.db", "prefect.db", "master.key", "result"}
    for path in [home, *home.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_init_with_missing_registry(home: Path, tmp_path: Path) -> None:
    assert_clean_error(run("init", "--registry", str(tmp_path / "nope.json")), 2, "nope.json")


def test_registry_show_json(home: Path) -> None:
    assert run("init").exit_code == 0
    result = run("registry", "show", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == AGENCIES
    police = data["northshire-police"]
    assert police["kind"] == "POLICE"
    assert "Inspector" in police["approver_roles"]
    assert "Sergeant" not in police["approver_roles"]
    people = {p["id"]: p["role"] for p in police["people"]}
    assert people["pc-ahmed"] == "Constable"
    assert people["insp-hughes"] == "Inspector"
    hospitals = data["northshire-hospitals"]
    assert "Caldicott Guardian" in hospitals["approver_roles"]
    # special-category data needs the Caldicott Guardian or her deputy, for every tier
    assert hospitals["signoff_rules"] == [
        {
            "tiers": [],
            "special_category": True,
            "roles": ["Caldicott Guardian", "Deputy Caldicott Guardian"],
        }
    ]
    # police ranks by tier: Inspector or above for RED, Sergeant or above for GREEN
    rules = {tuple(r["tiers"]): r["roles"] for r in police["signoff_rules"]}
    assert rules[("AMBER", "EMERGENCY", "RED")][0] == "Inspector"
    assert rules[("GREEN", "ROUTINE")][0] == "Sergeant"
    assert all(a["four_eyes"] for a in data.values())


# --- submit --------------------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_submit_missing_file(home: Path, tmp_path: Path) -> None:
    assert_clean_error(run("submit", str(tmp_path / "missing.json")), 2, "missing.json")


def test_submit_invalid_json(home: Path, tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.json", '{"requesting_agency": "northshire-yjs",')
    assert_clean_error(run("submit", str(path)), 2, "broken.json", "not valid JSON")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("urgency", "PURPLE"),
        ("purpose", "CURIOSITY"),
        ("consent", "MAYBE"),
        ("regime", "GDPR"),
        ("nickname", "unknown field"),
    ],
)
def test_submit_bad_field(home: Path, tmp_path: Path, field: str, value: str) -> None:
    data = json.loads((EXAMPLES / "scenario1-school-attendance.json").read_text())
    data[field] = value
    path = _write(tmp_path, "bad.json", json.dumps(data))
    err = assert_clean_error(run("submit", str(path)), 2, field, "not a valid request")
    assert "Jamie" not in err


@pytest.mark.parametrize(
    ("where", "value", "said"),
    [
        (("subjects", 0, "name"), "Jamie\udfff", "subjects entry 1, name contains a character"),
        (("items", 0, "description"), "Dates\x1b[2J", "items entry 1, description contains a"),
        (("consent_reason",), "Jamie\x00", "consent_reason contains a control character"),
        (("isa_reference",), "ISA\nJamie", "isa_reference contains a control character"),
    ],
)
def test_submit_refuses_text_that_is_not_text(
    home: Path, tmp_path: Path, where: tuple[str | int, ...], value: str, said: str
) -> None:
    """A lone surrogate (valid JSON, as ``json.dumps`` writes it) or a control character."""
    data = json.loads((EXAMPLES / "scenario1-school-attendance.json").read_text())
    target = data
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = value
    path = _write(tmp_path, "bad.json", json.dumps(data))
    err = assert_clean_error(run("submit", str(path)), 2, "not a valid request", said)
    assert "Jamie" not in err and "\\u" not in err


def test_submit_refuses_json_nested_100000_deep(home: Path, tmp_path: Path) -> None:
    path = _write(tmp_path, "deep.json", '{"subjects": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert_clean_error(run("submit", str(path)), 2, "deep.json", "nested too deeply")
    within = '{"subjects": ' + "[" * 500 + "]" * 500 + "}"  # parses, but is no request
    err = assert_clean_error(run("submit", str(_write(tmp_path, "d.json", within))), 2)
    assert "subjects" in err and "nested more than 20 levels deep" in err


def test_submit_refuses_a_file_that_is_not_utf8(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"requesting_agency": "Jos\xe9"}')
    assert_clean_error(run("submit", str(path)), 2, "latin1.json", "not UTF-8")


def test_submit_item_without_description(home: Path, tmp_path: Path) -> None:
    data = json.loads((EXAMPLES / "scenario1-school-attendance.json").read_text())
    del data["items"][1]["description"]
    path = _write(tmp_path, "bad.json", json.dumps(data))
    assert_clean_error(run("submit", str(path)), 2, "items.1.description")


def test_submit_without_prefect(home: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/api"
    result = CliRunner().invoke(
        main,
        ["submit", str(EXAMPLES / "scenario1-school-attendance.json")],
        env={"PREFECT_API_URL": url},
    )
    assert_clean_error(result, 1, "cannot reach the Prefect API", url)


# --- records and envelopes -----------------------------------------------------------------------


def test_records_show_unknown_reference(home: Path) -> None:
    assert run("init").exit_code == 0
    assert_clean_error(run("records", "show", "ISR-nonexistent"), 2, "ISR-nonexistent")


def test_requests_show_unknown_flow_run(home: Path) -> None:
    assert run("init").exit_code == 0
    run_id = "0b7e6a42-1d5c-4c1e-9a63-2f3b2c1d0e9f"
    result = run("requests", "show", run_id, "--as", "pc-ahmed", "--why", "checking progress")
    assert_clean_error(result, 2, run_id)


def _refused_request() -> str:
    """Scenario 3 taken in and triaged without Prefect, so it has a REFUSE record."""
    from infoshare.models import ShareRequest
    from infoshare.records.compose import record_decision
    from infoshare.steps import run_triage

    store = store_module.default_store()
    raw = json.loads((EXAMPLES / "scenario3-trawl.json").read_text())
    ref = store.requests.register(ShareRequest.model_validate(raw), None)
    run_triage(store, ref)
    record_decision(store, ref)
    return ref


def test_records_show_leaves_personal_data_out_unless_asked_with_a_reason(home: Path) -> None:
    assert run("init").exit_code == 0
    ref = _refused_request()
    plain = run("records", "show", ref, "--json")
    assert plain.exit_code == 0, plain.output
    data = json.loads(plain.output)
    assert data["decision"] == "REFUSE" and "personal" not in data
    assert "Tobias" not in plain.output

    assert_clean_error(run("records", "show", ref, "--personal"), 2, "--as")
    # someone from an agency that is not party to the request
    result = run("records", "show", ref, "--personal", "--as", "nurse-lee", "--why", "curious")
    assert_clean_error(result, 2, "nurse-lee", ref)
    result = run("records", "show", ref, "--personal", "--as", "council-officer", "--why", "SAR")
    assert_clean_error(result, 2, "--why")

    why = "subject access request SAR-118"
    full = run("records", "show", ref, "--personal", "--as", "council-officer", "--why", why)
    assert full.exit_code == 0, full.output
    assert "Tobias Fictitious-Tenant" in full.output
    trail = store_module.default_store().audit.trail(ref)
    viewed = [e for e in trail if e.event == "personal data viewed"]
    assert [(e.actor_id, e.detail) for e in viewed] == [("council-officer", why)]


def test_records_show_personal_has_everything_people_wrote(home: Path) -> None:
    """The override's proportionality and why the subject was not told, the approver's
    reasons, redactions and DPO advice: all on the record, all in the --personal view."""
    from infoshare.models import ShareRequest, Step
    from infoshare.records.compose import record_decision
    from infoshare.steps import run_triage

    assert run("init").exit_code == 0
    store = store_module.default_store()
    raw = json.loads((EXAMPLES / "scenario2-hospital.json").read_text())
    ref = store.requests.register(ShareRequest.model_validate(raw), None)
    run_triage(store, ref)
    store.requests.complete_step(
        ref, Step.OVERRIDE, actor_id="nurse-lee",
        public={"grounds": ["SAFEGUARD_CHILDREN"], "subject_informed": False},
        private={"proportionality": "Two young children at risk; only dates and injuries.",
                 "not_informed_reason": "Telling her would alert the partner."},
    )  # fmt: skip
    store.requests.complete_step(
        ref, Step.SIGNOFF, actor_id="caldicott-rao",
        public={"decision": "REFUSE", "approved_items": []},
        private={"reasons": "Refused: the children are already on a plan.",
                 "redactions": "Mental health history withheld: not necessary.",
                 "dpo_advice": "DPO agreed by phone."},
    )  # fmt: skip
    record_decision(store, ref)
    why = "subject access request SAR-119"
    full = run("records", "show", ref, "--personal", "--as", "nurse-lee", "--why", why)
    assert full.exit_code == 0, full.output
    for wanted in (
        "Morwenna Fictitious-Mother, 2002-06-02",
        "Dorian Fictitious-Partner, 1998-01-20, partner",
        "override proportionality: Two young children at risk; only dates and injuries.",
        "subject informed: no; why not: Telling her would alert the partner.",
        "approver's reasons: Refused: the children are already on a plan.",
        "approver's redactions and why: Mental health history withheld: not necessary.",
        "approver's DPO advice: DPO agreed by phone.",
        "necessity of item-1: Frequency of attendances",
        "if not shared: Risk to the mother",
        "consent reason: Refused out of fear of reprisal",
    ):
        assert wanted in full.output, wanted
    plain = run("records", "show", ref)
    assert "Telling her" not in plain.output and "Morwenna" not in plain.output


@pytest.mark.parametrize(
    "content",
    [
        b"not an envelope at all",
        # A well-formed frame whose header is JSON but not an object, as a forger might send.
        b"ISENV0\n" + struct.pack(">I", 2) + b"[]" + struct.pack(">I", 0) + bytes(64),
    ],
    ids=["garbage", "header-not-object"],
)
def test_open_rejects_bad_envelope(home: Path, tmp_path: Path, content: bytes) -> None:
    assert run("init").exit_code == 0
    env = tmp_path / "in.isenv"
    env.write_bytes(content)
    out = tmp_path / "out"
    result = run("open", str(env), "--agency", "northshire-mash", "--out", str(out))
    assert_clean_error(result, 1, "envelope rejected")
    assert not out.exists()


def test_inbox_lists_what_waits_for_that_person(home: Path) -> None:
    assert run("init").exit_code == 0
    from infoshare.models import ShareRequest
    from infoshare.steps import run_triage

    store = store_module.default_store()
    raw = json.loads((EXAMPLES / "scenario1-school-attendance.json").read_text())
    ref = store.requests.register(
        ShareRequest.model_validate(raw), "5b1e1b0e-0000-4000-8000-000000000001"
    )
    run_triage(store, ref)
    store.requests.set_status(ref, "AWAITING_SIGNOFF")
    raw = json.loads((EXAMPLES / "scenario2-housing.json").read_text())  # the housing provider's
    housing = store.requests.register(
        ShareRequest.model_validate(raw), "5b1e1b0e-0000-4000-8000-000000000002"
    )
    run_triage(store, housing)
    store.requests.set_status(housing, "AWAITING_SIGNOFF")
    result = run("inbox", "--as", "school-head", "--json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)  # not the housing provider's request
    assert row["reference"] == ref and row["step"] == "signoff" and row["rag"] == "GREEN"
    (theirs,) = json.loads(run("inbox", "--as", "housing-head", "--json").output)
    assert theirs["reference"] == housing
    assert row["pause"] == "signoff-1"  # what `approve --sign` would sign for now
    assert json.loads(run("inbox", "--as", "yjs-worker", "--json").output) == []  # the requester
    assert json.loads(run("inbox", "--as", "school-office", "--json").output) == []  # no rank
    assert_clean_error(run("inbox", "--as", "mallory"), 2, "mallory")
    # four eyes at the housing provider: once the manager has given the first approval, it
    # waits for the head only, in the sign-off's second pause
    assert [r["reference"] for r in json.loads(run("inbox", "--as", "housing-manager",
                                                   "--json").output)] == [housing]  # fmt: skip
    store.requests.stage_step(
        housing, "signoff",
        public={"approvals": [{"person_id": "housing-manager", "decision": "SHARE_FULL"}]},
        private={},
    )  # fmt: skip
    assert json.loads(run("inbox", "--as", "housing-manager", "--json").output) == []
    (second,) = json.loads(run("inbox", "--as", "housing-head", "--json").output)
    assert second["reference"] == housing and second["pause"] == "signoff-2"


def test_unlock_needs_an_approver_of_the_disclosing_agency_and_a_reason(home: Path) -> None:
    assert run("init").exit_code == 0
    from infoshare.models import ShareRequest

    store = store_module.default_store()
    raw = json.loads((EXAMPLES / "scenario1-school-attendance.json").read_text())
    ref = store.requests.register(ShareRequest.model_validate(raw), None)
    base = ["unlock", ref, "--step", "signoff"]
    assert_clean_error(run(*base, "--as", "yjs-worker", "--why", "please"), 2, "requester")
    assert_clean_error(run(*base, "--as", "school-office", "--why", "please"), 2, "approver")
    assert_clean_error(run(*base, "--as", "school-head", "--why", "ok"), 2, "--why")
    # her --as is only a claim: a code is mailed to her, and without it nothing is unlocked
    unlock = [*base, "--as", "school-head", "--why", "guessing stopped", "--json"]
    assert_clean_error(run(*unlock), 2, "not confirmed", "--code")
    assert_clean_error(run(*unlock, "--code", "ABCDE-FGHIJ"), 2, "not right")
    assert not [e for e in store.audit.trail(ref) if e.event == "step unlocked"]
    code = outbox_confirmation(home, HEAD_EMAIL)
    done = run(*unlock, "--code", code)
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["unlocked_by"] == "school-head"
    # a code confirms one action once
    assert_clean_error(run(*unlock, "--code", code), 2, "no confirmation code is waiting")
    trail = [(e.event, e.detail) for e in store.audit.trail(ref) if e.step == "confirmation"]
    assert (
        "confirmation refused",
        f"unlock {ref} signoff: the confirmation code is not right",
    ) in trail
    assert all(code not in detail for _, detail in trail)


def test_provide_needs_the_preparers_confirmation(home: Path) -> None:
    assert run("init").exit_code == 0
    ref = _waiting_school_request()
    store = store_module.default_store()
    base = ["provide", ref, "item-1", "--as", "school-office", "--text", "Attendance 81%"]
    assert_clean_error(run(*base), 2, "not confirmed")  # mailed, not given
    assert store.requests.prepared_items(ref) == set()
    # the office manager's code does not let the DSL prepare in her name, nor another item
    code = outbox_confirmation(home, "ruth.clarke@academy.northshire.example")
    assert_clean_error(run(*base[:3], "--as", "school-dsl", "--text", "x", "--code", code), 2,
                       "not confirmed")  # fmt: skip
    assert_clean_error(run("provide", ref, "item-2", *base[3:], "--code", code), 2, "not confirmed")
    done = run(*base, "--code", code)
    assert done.exit_code == 0, done.output
    assert store.requests.prepared(ref)["item-1"][0] == "school-office"
    # where no mail server is set, `infoshare outbox` shows the code, as for one-time codes
    listed = json.loads(run("outbox", "--json").output)["messages"]
    assert code in [m["code"] for m in listed if m["kind"] == "confirmation_code"]


# --- people's signing keys and signed answers -----------------------------------------------------

PASSPHRASE = {"INFOSHARE_PERSON_PASSPHRASE": "a long test passphrase"}
HEAD_EMAIL = "helen.price@academy.northshire.example"
EMAIL = {"school-head": HEAD_EMAIL, "school-dsl": "mark.evans@academy.northshire.example",
         "school-office": "ruth.clarke@academy.northshire.example"}  # fmt: skip


def run_env(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def confirmed(env: dict[str, str], *args: str) -> Result:
    """Run a command that needs the person's confirmation as they would: asked without a code
    (one is mailed to them), then again with the code from their mail (here, the outbox)."""
    person = args[args.index("--as") + 1]
    first = run_env(env, *args)
    if first.exit_code != 2 or "not confirmed" not in first.stderr:
        return first  # refused before any code was sent
    home = Path(str(store_module.default_store().settings.home))
    return run_env(env, *args, "--code", outbox_confirmation(home, EMAIL[person]))


def _waiting_school_request() -> str:
    from infoshare.models import ShareRequest
    from infoshare.steps import run_triage

    store = store_module.default_store()
    raw = json.loads((EXAMPLES / "scenario1-school-attendance.json").read_text())
    ref = store.requests.register(
        ShareRequest.model_validate(raw), "5b1e1b0e-0000-4000-8000-000000000002"
    )
    run_triage(store, ref)
    store.requests.set_status(ref, "AWAITING_SIGNOFF")
    return ref


def test_person_key_generate_keeps_the_private_key_encrypted_and_registers_the_public(
    home: Path,
) -> None:
    assert run("init").exit_code == 0
    made = confirmed(PASSPHRASE, "person-key", "generate", "--as", "school-head", "--json")
    assert made.exit_code == 0, made.output
    data = json.loads(made.output)
    key = Path(data["private_key"])
    assert key.is_relative_to(home)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert json.loads(key.read_bytes())["kdf"]["name"] == "scrypt"  # sealed under the passphrase
    shown = json.loads(run("person-key", "show", "--as", "school-head", "--json").output)
    assert (shown["key_id"], shown["signing_key"]) == (data["key_id"], data["signing_key"])
    # it prints the line that keeps the key in the registry file
    text = confirmed(PASSPHRASE, "person-key", "generate", "--as", "school-dsl")
    assert '"signing_key": "' in text.output
    assert_clean_error(
        run_env(PASSPHRASE, "person-key", "generate", "--as", "school-head"), 2, "--replace"
    )
    assert_clean_error(
        run_env(PASSPHRASE, "person-key", "generate", "--as", "mallory"), 2, "mallory"
    )
    short = {"INFOSHARE_PERSON_PASSPHRASE": "short"}
    assert_clean_error(
        confirmed(short, "person-key", "generate", "--as", "school-office"), 2, "at least"
    )
    assert_clean_error(run("person-key", "show", "--as", "school-office"), 1, "no registered")


def test_passphrase_is_asked_for_twice_unseen_when_not_in_the_environment(home: Path) -> None:
    assert run("init").exit_code == 0
    assert_clean_error(run("person-key", "generate", "--as", "school-head"), 2, "not confirmed")
    code = outbox_confirmation(home, HEAD_EMAIL)
    result = CliRunner().invoke(
        main, ["person-key", "generate", "--as", "school-head", "--code", code],
        input="a long test passphrase\na long test passphrase\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "a long test passphrase" not in result.output


APPROVE = ["--decision", "SHARE", "--item", "item-1", "--reasons", "Attendance is what is needed."]


def test_approve_sign_refuses_locally_what_the_run_would_refuse(home: Path) -> None:
    assert run("init").exit_code == 0
    ref = _waiting_school_request()
    base = ["approve", ref, "--as", "school-head", *APPROVE]
    assert_clean_error(run_env(PASSPHRASE, *base, "--sign"), 2, "no registered signing key")
    assert confirmed(PASSPHRASE, "person-key", "generate", "--as", "school-head").exit_code == 0
    wrong = {"INFOSHARE_PERSON_PASSPHRASE": "not the passphrase"}
    assert_clean_error(run_env(wrong, *base, "--sign"), 2, "wrong passphrase")
    assert_clean_error(run_env(PASSPHRASE, *base, "--sign", "--code", "ABCDE-FGHIJ"), 2, "not both")
    short = ["approve", ref, "--as", "school-head", "--decision", "SHARE", "--reasons", "ok"]
    assert_clean_error(run_env(PASSPHRASE, *short, "--sign"), 2, "reasons")
    # a good signature gets as far as Prefect (which is not running here)
    assert_clean_error(run_env(PASSPHRASE, *base, "--sign"), 1, "cannot reach the Prefect API")


def test_a_signing_key_can_come_from_the_registry_file(home: Path, tmp_path: Path) -> None:
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from infoshare.keys import raw_public
    from infoshare.registry.spec import DEMO_REGISTRY

    public = base64.b64encode(raw_public(Ed25519PrivateKey.generate().public_key())).decode()
    data = json.loads(DEMO_REGISTRY.read_text())
    for person in data["people"]:
        if person["id"] == "insp-hughes":
            person["signing_key"] = public
    reg = _write(tmp_path, "registry.json", json.dumps(data))
    assert run("init", "--registry", str(reg)).exit_code == 0
    shown = json.loads(run("person-key", "show", "--as", "insp-hughes", "--json").output)
    assert shown["signing_key"] == public
    person = next(p for p in data["people"] if p["id"] == "insp-hughes")
    person["role"] = "Inspecter"
    bad = _write(tmp_path, "bad.json", json.dumps(data))
    assert_clean_error(run("registry", "load", str(bad)), 2, "unknown rank 'Inspecter'")
