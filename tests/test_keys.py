"""``infoshare keys``: agency key pairs as an administrator meets them, on a real store."""

from __future__ import annotations

import base64
import json
import shutil
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

import infoshare.store as store_module
from infoshare.cli import main
from infoshare.crypto import MasterKey
from infoshare.envelope import Header, SealedItem, open_bytes, seal_items
from infoshare.envelope.format import MAGIC
from infoshare.keys import (
    ENCRYPTION,
    SIGNING,
    AgencyKeyStore,
    KeyStoreError,
    WrongPassphrase,
    key_id,
    raw_public,
)
from infoshare.registry import partnership, public_keys, spec
from infoshare.store import Store, default_store
from infoshare.worktime import now_utc

SENDER, RECIPIENT = "northshire-police", "northshire-yjs"
ITEM = SealedItem("item-1", "Custody record summary", b"detained 2026-11-01, released")


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin)


def ok(*args: str, stdin: str | None = None) -> Any:
    result = run(*args, "--json", stdin=stdin)
    assert result.exit_code == 0, (result.output, result.exception)
    return json.loads(result.stdout)


def refused(result: Result, *fragments: str) -> str:
    """Exit 2 with one line on stderr naming the problem, and no traceback."""
    assert result.exit_code == 2, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    err = result.stderr.strip()
    assert err.startswith("infoshare: ") and len(err.splitlines()) == 1, err
    for f in fragments:
        assert f in err, err
    return err


def fresh_store(monkeypatch: pytest.MonkeyPatch) -> Store:
    """The next command reads the environment again (as a new process would)."""
    if store_module._default is not None:
        store_module._default.close()
    monkeypatch.setattr(store_module, "_default", None)
    return default_store()


def keys_dir(home: Path, agency: str) -> Path:
    return home / "keys" / "agencies" / agency


def seal_to_registered(store: Store) -> bytes:
    """What the transfer step does: seal to every encryption key of the recipient valid now."""
    now = now_utc()
    with store.session() as s:
        raws = public_keys.valid_public_keys(s, RECIPIENT, ENCRYPTION, now)
    return seal_items(
        [ITEM],
        transfer_id="ISR-20261126-KEYS0001",
        decision_sha256="ab" * 32,
        recipients=[X25519PublicKey.from_public_bytes(r) for r in raws],
        sender=store.keys.signing_key(SENDER),
        now=now,
    ).data


def recipients_of(envelope: bytes) -> tuple[str, ...]:
    hlen = int.from_bytes(envelope[len(MAGIC) : len(MAGIC) + 4], "big")
    start = len(MAGIC) + 4
    return Header.parse(envelope[start : start + hlen]).recipients


def open_with_cli(envelope: bytes, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.isenv"
    path.write_bytes(envelope)
    out = tmp_path / name
    ok("open", str(path), "--agency", RECIPIENT, "--out", str(out))
    return out


def test_generate_then_list(cli_home: Path) -> None:
    store = default_store()
    with store.session() as s:  # a registry whose agencies have no keys yet
        partnership.load_registry(s, spec.read_registry_file(spec.DEMO_REGISTRY))
    assert (
        run("keys", "list", "--agency", SENDER).stdout.strip().endswith("no keys in the registry")
    )

    made = ok("keys", "generate", "--agency", SENDER)
    assert {k["kind"] for k in made["keys"]} == {ENCRYPTION, SIGNING}
    files = sorted(keys_dir(cli_home, SENDER).iterdir())
    assert [f.name for f in files] == sorted(f"{k['kind']}-{k['key_id']}.key" for k in made["keys"])
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys_dir(cli_home, SENDER).stat().st_mode) == 0o700

    listed = ok("keys", "list", "--agency", SENDER)
    assert {(k["key_id"], k["kind"], k["status"], k["private_key_here"]) for k in listed} == {
        (k["key_id"], k["kind"], "current", True) for k in made["keys"]
    }
    now = now_utc()
    for k in listed:
        assert k["not_before"] <= now.strftime("%Y-%m-%dT%H:%M:%SZ") < k["not_after"]
    text = run("keys", "list", "--agency", SENDER).stdout
    assert all(k["key_id"] in text for k in made["keys"]) and "current" in text

    refused(run("keys", "generate", "--agency", SENDER), "already has keys", "keys rotate")


def test_list_and_export_never_show_private_material(cli_home: Path) -> None:
    ok("init")
    store = default_store()
    private = [
        store.keys.signing_key(SENDER).private_bytes_raw(),
        store.keys.decryption_key(SENDER).private_bytes_raw(),
    ]
    ciphertexts = [
        json.loads(f.read_bytes())["ciphertext"] for f in keys_dir(cli_home, SENDER).iterdir()
    ]
    for args in (["list"], ["list", "--json"], ["export"]):
        out = run("keys", *args, "--agency", SENDER).output
        for secret in private:
            assert secret.hex() not in out and base64.b64encode(secret).decode() not in out
        for ct in ciphertexts:
            assert ct not in out


def test_export_gives_partners_the_public_keys(cli_home: Path, tmp_path: Path) -> None:
    ok("init")
    store = default_store()
    out = tmp_path / "police-keys.json"
    result = run("keys", "export", "--agency", SENDER, "--out", str(out))
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["format"] == "infoshare-public-keys/1" and doc["agency"] == SENDER
    by_kind = {k["kind"]: k for k in doc["keys"]}
    assert set(by_kind) == {ENCRYPTION, SIGNING}
    for k in doc["keys"]:
        raw = base64.b64decode(k["public_key"])
        assert k["key_id"] == key_id(raw)
        assert k["status"] == "current" and k["not_before"] < k["not_after"]
    assert base64.b64decode(by_kind[SIGNING]["public_key"]) == raw_public(
        store.keys.signing_key(SENDER).public_key()
    )
    assert base64.b64decode(by_kind[ENCRYPTION]["public_key"]) == raw_public(
        store.keys.decryption_key(SENDER).public_key()
    )
    # standard output by default; an existing file is never overwritten
    assert json.loads(run("keys", "export", "--agency", SENDER).stdout) == doc | {
        "exported": json.loads(run("keys", "export", "--agency", SENDER).stdout)["exported"]
    }
    again = run("keys", "export", "--agency", SENDER, "--out", str(out))
    assert again.exit_code == 2 and "already exists" in again.output


def test_rotation_overlap(cli_home: Path, tmp_path: Path) -> None:
    ok("init")
    store = default_store()
    before = {k["kind"]: k["key_id"] for k in ok("keys", "list", "--agency", RECIPIENT)}
    sealed_before = seal_to_registered(store)
    assert recipients_of(sealed_before) == (before[ENCRYPTION],)

    rotated = ok("keys", "rotate", "--agency", RECIPIENT)
    new = {k["kind"]: k["key_id"] for k in rotated["new"]}
    assert rotated["private_keys_removed"] == [before[SIGNING]]
    status = {k["key_id"]: (k["status"], k["private_key_here"])
              for k in ok("keys", "list", "--agency", RECIPIENT)}  # fmt: skip
    assert status == {
        new[ENCRYPTION]: ("current", True),
        new[SIGNING]: ("current", True),
        before[ENCRYPTION]: ("overlap", True),  # still sealed to; private key kept
        before[SIGNING]: ("retired", False),  # verifies what it signed; private key destroyed
    }

    # an envelope sealed to the old key before the rotation still opens
    out = open_with_cli(sealed_before, tmp_path, "before")
    assert (out / ITEM.name).read_bytes() == ITEM.content

    # during the overlap senders seal to both keys, new first; the new key alone opens it
    sealed_after = seal_to_registered(store)
    assert recipients_of(sealed_after) == (new[ENCRYPTION], before[ENCRYPTION])
    current = store.keys.decryption_key(RECIPIENT)
    assert key_id(raw_public(current.public_key())) == new[ENCRYPTION]
    opened = open_bytes(
        sealed_after, keys=[current], sender_key=store.keys.signing_key(SENDER).public_key()
    )
    assert opened.items[0].content == ITEM.content
    assert (open_with_cli(sealed_after, tmp_path, "after") / ITEM.name).read_bytes() == ITEM.content

    # after the overlap only the new key is sealed to
    overlap_end = now_utc() + timedelta(days=14, minutes=1)
    with store.session() as s:
        assert [
            key_id(r) for r in public_keys.valid_public_keys(s, RECIPIENT, ENCRYPTION, overlap_end)
        ] == [new[ENCRYPTION]]


def test_the_retention_job_removes_decryption_keys_past_their_retention(cli_home: Path) -> None:
    """A retired decryption key is kept for DECRYPTION_KEY_RETENTION after its successor became
    current, then the daily retention job removes it (not only the next rotation)."""
    from infoshare import retention
    from infoshare.keys import DECRYPTION_KEY_RETENTION

    ok("init")
    store = default_store()
    old = {k["kind"]: k["key_id"] for k in ok("keys", "list", "--agency", RECIPIENT)}
    ok("keys", "rotate", "--agency", RECIPIENT)
    old_file = keys_dir(cli_home, RECIPIENT) / f"{ENCRYPTION}-{old[ENCRYPTION]}.key"
    assert old_file.exists()

    within = retention.run(store, now_utc() + timedelta(days=30), prefect=False)
    assert within.keys_removed == [] and old_file.exists()
    later = (now_utc() + DECRYPTION_KEY_RETENTION + timedelta(days=1)).date().isoformat()
    preview = ok("retention", "run", "--dry-run", "--no-prefect", "--now", later)
    assert [k["key_id"] for k in preview["decryption_keys_would_remove"]] == [old[ENCRYPTION]]
    assert old_file.exists()  # a dry run changes nothing

    done = retention.run(store, now_utc() + DECRYPTION_KEY_RETENTION + timedelta(days=1),
                         prefect=False)  # fmt: skip
    assert [k.key_id for k in done.keys_removed] == [old[ENCRYPTION]]
    assert not old_file.exists()
    listed = {k["key_id"]: k["private_key_here"] for k in ok("keys", "list", "--agency", RECIPIENT)}
    assert listed[old[ENCRYPTION]] is False  # its public key stays registered
    assert sum(listed.values()) == 2  # the current pair


def test_wrong_or_missing_passphrase_is_refused(
    cli_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INFOSHARE_KEY_PASSPHRASE", "correct horse battery staple")
    ok("init")
    envelope = tmp_path / "e.isenv"
    envelope.write_bytes(seal_to_registered(default_store()))
    key_file = next(keys_dir(cli_home, RECIPIENT).glob("x25519-*.key"))
    assert json.loads(key_file.read_bytes())["protected_by"] == "passphrase"

    monkeypatch.setenv("INFOSHARE_KEY_PASSPHRASE", "wrong")
    fresh_store(monkeypatch)
    refused(run("keys", "rotate", "--agency", RECIPIENT), "wrong passphrase")
    refused(
        run("open", str(envelope), "--agency", RECIPIENT, "--out", str(tmp_path / "o")),
        "wrong passphrase",
    )
    assert not (tmp_path / "o").exists()
    monkeypatch.delenv("INFOSHARE_KEY_PASSPHRASE")
    fresh_store(monkeypatch)
    refused(run("keys", "rotate", "--agency", RECIPIENT), "protected by a passphrase")
    # nothing changed on the refused attempts
    assert len(list(keys_dir(cli_home, RECIPIENT).iterdir())) == 2

    typed = "correct horse battery staple\n" * 2
    assert ok("keys", "rotate", "--agency", RECIPIENT, "--ask-passphrase", stdin=typed)["new"]
    monkeypatch.setenv("INFOSHARE_KEY_PASSPHRASE", "correct horse battery staple")
    fresh_store(monkeypatch)
    ok("open", str(envelope), "--agency", RECIPIENT, "--out", str(tmp_path / "o"))
    # the recipient may open what it was sent again, elsewhere: re-reading is not a replay
    ok("open", str(envelope), "--agency", RECIPIENT, "--out", str(tmp_path / "again"))
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == sorted(
        p.name for p in (tmp_path / "o").iterdir()
    )


def test_default_needs_no_passphrase_and_refuses_loose_file_modes(cli_home: Path) -> None:
    ok("init")
    key_file = next(keys_dir(cli_home, RECIPIENT).glob("ed25519-*.key"))
    assert json.loads(key_file.read_bytes())["protected_by"] == "master-key"
    assert ok("keys", "rotate", "--agency", SENDER)["new"]  # the master key opens them
    key_file.chmod(0o644)
    refused(run("keys", "rotate", "--agency", RECIPIENT), "mode 0644", "chmod 600")


def test_unknown_agency(cli_home: Path) -> None:
    ok("init")
    for command in ("generate", "rotate", "list", "export"):
        refused(
            run("keys", command, "--agency", "nowhere-police"), "unknown agency", "nowhere-police"
        )


def test_private_key_file_is_bound_to_its_agency(cli_home: Path) -> None:
    """A key file copied over another agency's is refused, not used."""
    ok("init")
    theirs = next(keys_dir(cli_home, SENDER).glob("ed25519-*.key"))
    mine = next(keys_dir(cli_home, RECIPIENT).glob("ed25519-*.key"))
    mine.unlink()
    (keys_dir(cli_home, RECIPIENT) / theirs.name).write_bytes(theirs.read_bytes())
    (keys_dir(cli_home, RECIPIENT) / theirs.name).chmod(0o600)
    refused(run("keys", "rotate", "--agency", RECIPIENT), "does not match")


def test_raw_private_bytes_are_not_in_the_file(cli_home: Path) -> None:
    ok("init")
    store = default_store()
    raw = store.keys.decryption_key(RECIPIENT).private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    (f,) = keys_dir(cli_home, RECIPIENT).glob("x25519-*.key")
    data = f.read_bytes()
    assert raw not in data and base64.b64encode(raw) not in data and raw.hex().encode() not in data


def test_a_key_file_says_how_its_key_is_derived_and_an_altered_derivation_is_refused(
    tmp_path: Path,
) -> None:
    """Under the master key (a random key: nothing to guess) HKDF derives the file's key; a file
    written under it with scrypt (before 7 December 2026) still opens; a file whose derivation
    was altered does not."""
    from legacy_stores.capture import MASTER_KEY

    keys = tmp_path / "keys"
    shutil.copytree(Path(__file__).parent / "legacy_stores" / "stop8" / "keys-sqlite", keys)
    for path in keys.rglob("*.key"):
        path.chmod(0o600)  # as written (git keeps 0644)

    def key_store() -> AgencyKeyStore:  # a new process: nothing derived yet
        return AgencyKeyStore(keys, MasterKey.load(keys, MASTER_KEY))

    (old,) = keys_dir(tmp_path, SENDER).glob("ed25519-*.key")
    assert json.loads(old.read_bytes())["kdf"]["name"] == "scrypt"
    rotation = key_store().rotate(SENDER)  # opens the old files to check them, writes new ones
    (new_public,) = [k.public_raw for k in rotation.new if k.kind == SIGNING]
    (new,) = [k.path for k in key_store().local_keys(SENDER, SIGNING) if k.path != old]
    body = json.loads(new.read_bytes())
    assert body["protected_by"] == "master-key"
    assert body["kdf"] == {"name": "hkdf-sha256", "salt": body["kdf"]["salt"]}
    assert len(base64.b64decode(body["kdf"]["salt"])) == 16
    assert raw_public(key_store().signing_key(SENDER).public_key()) == new_public
    assert key_store().decryption_keys(SENDER)  # the old scrypt file among them, still opening

    def altered(**changes: Any) -> None:
        new.write_text(json.dumps({**body, **changes}))

    def refused_as(error: type[Exception], why: str) -> None:
        with pytest.raises(error, match=why):
            key_store().signing_key(SENDER)

    salt = body["kdf"]["salt"]
    # the derivation's whole description is bound to the file: a field HKDF does not read
    altered(kdf={"name": "hkdf-sha256", "salt": salt, "n": 1})
    refused_as(WrongPassphrase, "does not open")
    altered(kdf={"name": "scrypt", "n": 2**15, "r": 8, "p": 1, "salt": salt})
    refused_as(WrongPassphrase, "does not open")
    altered(protected_by="passphrase")  # a passphrase must be stretched
    refused_as(KeyStoreError, "derives a passphrase's key with HKDF")
    altered(kdf={"name": "argon2id", "salt": salt})
    refused_as(KeyStoreError, "unknown key derivation 'argon2id'")
    altered(kdf={"name": "hkdf-sha256", "salt": "@@" + salt})  # not quietly read as the salt
    refused_as(KeyStoreError, "is malformed")
    for n in (3, 2**40):  # invalid, or a demand for terabytes: refused before any work
        altered(kdf={"name": "scrypt", "n": n, "r": 8, "p": 1, "salt": salt})
        refused_as(KeyStoreError, "scrypt parameters this version never writes")
    altered(master_key_id=["not", "an", "id"])
    refused_as(KeyStoreError, "is malformed")
    altered(nonce=base64.b64encode(b"short").decode())
    refused_as(KeyStoreError, "is malformed")
    altered()
    assert raw_public(key_store().signing_key(SENDER).public_key()) == new_public


def older_kdf(_store: AgencyKeyStore, _protected_by: str) -> dict[str, Any]:
    """What versions before 7 December 2026 wrote into every key file: scrypt (here with a fixed
    salt), whatever protected it. Patched over ``AgencyKeyStore._kdf`` to write such files."""
    return {"name": "scrypt", "n": 2**15, "r": 8, "p": 1,
            "salt": base64.b64encode(b"s" * 16).decode()}  # fmt: skip


def test_a_key_file_an_older_version_wrote_under_a_named_master_key_still_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What versions from master key rotation until 7 December 2026 wrote: scrypt, under the
    master key, naming that key's id; it opens, and `keys rotate-master` writes it again with
    HKDF under the new key."""
    keys = tmp_path / "keys"
    master = MasterKey.load(keys, base64.b64encode(b"k" * 32).decode())
    with monkeypatch.context() as older:
        older.setattr(AgencyKeyStore, "_kdf", older_kdf)
        made = AgencyKeyStore(keys, master).generate(SENDER)
    (public,) = [k.public_raw for k in made if k.kind == SIGNING]
    (path,) = keys_dir(tmp_path, SENDER).glob("ed25519-*.key")
    written = json.loads(path.read_bytes())
    assert written["kdf"]["name"] == "scrypt" and written["master_key_id"] == master.key_id

    assert raw_public(AgencyKeyStore(keys, master).signing_key(SENDER).public_key()) == public
    rotated = MasterKey(b"n" * 32, previous=master)
    moved = AgencyKeyStore(keys, rotated)
    for key in moved.under_other_master_key():
        moved.rewrap(key)
    body = json.loads(path.read_bytes())
    assert body["kdf"]["name"] == "hkdf-sha256" and body["master_key_id"] == rotated.key_id
    assert (
        raw_public(AgencyKeyStore(keys, MasterKey(b"n" * 32)).signing_key(SENDER).public_key())
        == public
    )


def test_rewrap_writes_an_older_versions_key_files_again_with_hkdf_keeping_the_keys(
    cli_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`infoshare keys rewrap`: the files a version before 7 December 2026 wrote under the
    master key (scrypt) are written again with HKDF; the keys are the same (what was sealed to
    the agency before still opens), and a second run has nothing to do."""
    with monkeypatch.context() as older:  # what init wrote then
        older.setattr(AgencyKeyStore, "_kdf", older_kdf)
        ok("init")
    store = fresh_store(monkeypatch)
    files = sorted((cli_home / "keys" / "agencies").glob("*/*.key"))
    assert len(files) == 2 * len(store.partnership().agencies) and all(
        json.loads(f.read_bytes())["kdf"]["name"] == "scrypt" for f in files
    )
    envelope = seal_to_registered(store)
    signing = raw_public(store.keys.signing_key(SENDER).public_key())

    done = ok("keys", "rewrap")
    assert sorted(done["rewrapped"]) == [str(f) for f in files]
    assert all(json.loads(f.read_bytes())["kdf"]["name"] == "hkdf-sha256" for f in files)
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    store = fresh_store(monkeypatch)
    assert raw_public(store.keys.signing_key(SENDER).public_key()) == signing
    assert (open_with_cli(envelope, tmp_path, "opened") / ITEM.name).read_bytes() == ITEM.content
    assert ok("keys", "rewrap")["rewrapped"] == []
