"""People's own signing keys: ``person-key generate|show``."""

from __future__ import annotations

import os

import click

from infoshare.cli.common import (
    emit,
    fail,
    json_option,
    main,
    open_store,
)
from infoshare.cli.proof import code_option, prove
from infoshare.identity import confirmations, person_keys
from notifications.telling import Teller

PASSPHRASE_ENV = "INFOSHARE_PERSON_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret


def passphrase(person: str, confirm: bool = False) -> str:
    return os.environ.get(PASSPHRASE_ENV) or str(
        click.prompt(f"Passphrase of {person}'s signing key", hide_input=True,
                     confirmation_prompt=confirm)
    )  # fmt: skip


@main.group("person-key")
def person_key() -> None:
    """Your own Ed25519 signing key, to answer with `--sign` instead of a one-time code."""


@person_key.command("generate")
@click.option("--as", "person", required=True, help="Your person id.")
@click.option(
    "--replace", is_flag=True,
    help="Replace your key (the old one signs nothing new; what it signed still verifies).",
)  # fmt: skip
@code_option
@json_option
def person_key_generate(person: str, replace: bool, code: str | None, as_json: bool) -> None:
    """Make your signing key here and register its public half for you.

    You prove it is you with a confirmation code mailed to your registered address, and you are
    told by mail when a key is registered for you. The private key is kept encrypted under your
    passphrase (from $INFOSHARE_PERSON_PASSPHRASE or asked for) in $INFOSHARE_HOME/keys/people,
    readable by you only."""
    store = open_store()
    member = store.partnership().member(person)
    if member is None:
        fail(f"{person!r} is not registered in the partnership", 2)
    assert member is not None
    current = person_keys.registered_key(store, person)
    if current is not None and not replace:
        fail(f"{person} already has a registered signing key ({current.key_id}); --replace "
             "makes a new one", 2)  # fmt: skip
    action = "replacing your signing key" if current else "registering a signing key for you"
    prove(store, person, confirmations.PERSON_KEY, action, code)
    try:
        made = person_keys.generate_person_key(store, person, passphrase(person, confirm=True),
                                            replace=replace)  # fmt: skip
    except person_keys.PersonKeyError as exc:
        fail(str(exc), 2)
        raise  # unreachable
    Teller(store).key_registered(member, made.key_id, made.replaced)
    emit(
        as_json,
        {"person": person, "key_id": made.key_id, "signing_key": made.public_b64,
         "private_key": str(made.path)},
        f"{person}: signing key {made.key_id} registered; private key {made.path} (encrypted "
        f"under your passphrase).\nTo keep it when the registry is loaded elsewhere, add to "
        f'{person}\'s registry entry: "signing_key": "{made.public_b64}"',
    )  # fmt: skip


@person_key.command("show")
@click.option("--as", "person", required=True, help="A person id.")
@json_option
def person_key_show(person: str, as_json: bool) -> None:
    """The signing key registered for a person (public half only)."""
    store = open_store()
    if store.partnership().member(person) is None:
        fail(f"{person!r} is not registered in the partnership", 2)
    key = person_keys.registered_key(store, person)
    if key is None:
        fail(f"{person} has no registered signing key", 1)
    assert key is not None
    emit(as_json, {"person": person, "key_id": key.key_id, "signing_key": key.public_b64},
         f"{person}: signing key {key.key_id} ({key.public_b64})")  # fmt: skip
