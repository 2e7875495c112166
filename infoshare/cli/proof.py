"""Proof of who acts from the CLI, where ``--as`` alone is only a claim: a confirmation code
mailed to the person's registered address (``infoshare.identity.confirmations``), given with
``--code`` or typed when asked (unseen)."""

from __future__ import annotations

import sys

import click

from infoshare.cli.common import fail
from infoshare.identity import confirmations
from infoshare.store import Store
from notifications.telling import Teller

code_option = click.option(
    "--code",
    help="The confirmation code mailed to you for this action. Without it, one is mailed to "
    "your registered address and asked for.",
)


def prove(
    store: Store, person: str, purpose: str, action: str, code: str | None, ref: str | None = None
) -> None:
    """Return only if ``person`` proves it is them for ``purpose``; else fail with why."""
    if not code:
        try:
            conf = confirmations.ask(store, person, purpose, ref)
        except confirmations.ConfirmationError as exc:
            fail(str(exc), 2)
            raise  # unreachable
        if not Teller(store).confirmation_code(conf, action, ref):
            fail(f"the confirmation code could not be mailed to {person}; try again later", 1)
        if not sys.stdin.isatty():  # a script: it gives the mailed code with --code next time
            fail(f"not confirmed: give the code mailed to {person} with --code", 2)
        try:
            code = str(click.prompt(f"Confirmation code (mailed to {person}'s registered "
                                    "address)", hide_input=True))  # fmt: skip
        except click.Abort:
            fail(f"not confirmed: give the code mailed to {person} with --code", 2)
            raise  # unreachable
    problem = confirmations.confirm(store, person, purpose, code, ref)
    if problem:
        fail(f"not confirmed: {problem}", 2)
