"""Delivery over HTTPS: the intake endpoint, signed receipts, retries, exactly-once delivery.

Real parts throughout: the intake is ``infoshare intake serve`` in its own process, over TLS
with a CA and server certificate made here; the flaky network is a real proxy on loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import os
import random
import re
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from conftest import ROOT, Mailbox, Stack
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from infoshare.cli import main
from infoshare.config import load_settings
from infoshare.envelope import Sealed, SealedItem, open_bytes, seal_items
from infoshare.receipts import ENVELOPE_MEDIA_TYPE, make_receipt, verify_receipt
from infoshare.registry import partnership, public_keys, spec
from infoshare.setup import initialise
from infoshare.store import Store
from infoshare.transport import (
    NO_RECEIPT_DIRECTORY,
    Attempts,
    Delivery,
    DeliveryDeadline,
    DeliveryRefused,
    DirectoryInbox,
    HttpsIntake,
    RetryPolicy,
    TransientDeliveryError,
    deliver_with_retries,
)

RECIPIENT = "northshire-yjs"
SENDER = "northshire-academy"


# --- a CA and a server certificate for 127.0.0.1, made on the fly ------------------------------


@dataclass(frozen=True)
class Pki:
    ca_pem: str
    ca_file: Path
    cert: Path
    key: Path


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    d = tmp_path_factory.mktemp("pki")
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("infoshare test CA"))
        .issuer_name(_name("infoshare test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("intake.yjs.test"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )  # fmt: skip
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem = ca.public_bytes(serialization.Encoding.PEM).decode()
    (d / "ca.pem").write_text(ca_pem)
    (d / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (d / "server.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Pki(ca_pem, d / "ca.pem", d / "server.pem", d / "server.key")


# --- the store and the intake server -----------------------------------------------------------


@pytest.fixture(scope="module")
def home_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    env = {"INFOSHARE_HOME": str(tmp_path_factory.mktemp("intake") / "home")}
    s = Store(load_settings(env))
    initialise(s)
    yield s
    s.close()


def seeded(seed: int) -> random.Random:
    """Reproducible randomness for the flaky network and the jitter (not for keys)."""
    return random.Random(seed)  # noqa: S311


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def intake_server(home: Path, pki: Pki, agency: str = RECIPIENT) -> Iterator[str]:
    """``infoshare intake serve`` in its own process; yields its /envelopes URL."""
    port = free_port()
    log = home / f"intake-{port}.log"
    env = {**os.environ, "INFOSHARE_HOME": str(home)}
    for var in ("INFOSHARE_DATABASE_URL", "INFOSHARE_MASTER_KEY"):
        env.pop(var, None)
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "infoshare.cli", "intake", "serve", "--agency", agency,
             "--port", str(port), "--cert", str(pki.cert), "--key", str(pki.key)],
            cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"intake server exited:\n{log.read_text()[-3000:]}")
            try:
                r = httpx.get(f"{base}/health", verify=_client_tls(pki), timeout=2)
                if r.status_code == 200:
                    assert r.json() == {"agency": agency, "ok": True}
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"intake server never answered:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield f"{base}/envelopes"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _client_tls(pki: Pki) -> ssl.SSLContext:
    return ssl.create_default_context(cadata=pki.ca_pem)


@pytest.fixture(scope="module")
def intake_url(home_store: Store, pki: Pki) -> Iterator[str]:
    with intake_server(home_store.settings.home, pki) as url:
        yield url


def seal_for(store: Store, agency: str = RECIPIENT, content: bytes = b"attendance 81%") -> Sealed:
    return seal_items(
        [SealedItem("item-1", "Attendance summary", content)],
        transfer_id="ISR-20261126-TESTTEST",
        decision_sha256="ab" * 32,
        recipients=[store.keys.decryption_key(agency).public_key()],
        sender=store.keys.signing_key(SENDER),
    )


def https(store: Store, url: str, pki: Pki, agency: str = RECIPIENT) -> HttpsIntake:
    return HttpsIntake(
        url, ca_pem=pki.ca_pem, recipient_key=public_keys.signing_key_lookup(store.session, agency)
    )


def inbox(store: Store) -> Path:
    return store.settings.inbox_for(RECIPIENT)


def stored(store: Store, suffix: str = ".isenv") -> set[str]:
    where = inbox(store) if suffix == ".isenv" else inbox(store) / "receipts"
    return {p.name.removesuffix(suffix) for p in where.glob(f"*{suffix}")}


def post(url: str, pki: Pki, body: bytes, message_id: str | None) -> httpx.Response:
    headers = {"Content-Type": ENVELOPE_MEDIA_TYPE}
    if message_id is not None:
        headers["Idempotency-Key"] = message_id
    return httpx.post(url, content=body, headers=headers, verify=_client_tls(pki), timeout=30)


# --- round trip -------------------------------------------------------------------------------


def test_round_trip_stores_once_and_returns_a_verified_signed_receipt(
    home_store: Store, intake_url: str, pki: Pki
) -> None:
    sealed = seal_for(home_store)
    transport = https(home_store, intake_url, pki)
    first = transport.deliver(RECIPIENT, sealed.message_id, sealed.data)
    assert (first.method, first.location, first.sha256) == (
        "HTTPS_INTAKE", intake_url, sealed.sha256,
    )  # fmt: skip
    assert first.receipt is not None
    statement = first.receipt["receipt"]
    assert statement["message_id"] == sealed.message_id
    assert statement["envelope_sha256"] == sealed.sha256
    assert statement["recipient_agency"] == RECIPIENT
    assert statement["transfer_id"] == "ISR-20261126-TESTTEST"
    assert "verified" in first.receipt_note
    # the envelope is in the agency's inbox, byte for byte, and opens there
    path = inbox(home_store) / f"{sealed.message_id}.isenv"
    assert path.read_bytes() == sealed.data
    opened = open_bytes(
        path.read_bytes(),
        keys=home_store.keys.decryption_keys(RECIPIENT),
        sender_key=home_store.keys.signing_key(SENDER).public_key(),
    )
    assert opened.items[0].content == b"attendance 81%"
    # a repeat gets the very same receipt (same time, same signature) and stores nothing new
    again = transport.deliver(RECIPIENT, sealed.message_id, sealed.data)
    assert again.receipt == first.receipt
    raw = post(intake_url, pki, sealed.data, sealed.message_id)
    assert raw.status_code == 200 and raw.json() == first.receipt
    assert sealed.message_id in stored(home_store)
    assert len([p for p in inbox(home_store).iterdir() if sealed.message_id in p.name]) == 1
    # and anyone can check the receipt against the registry
    verify_receipt(
        raw.json(), message_id=sealed.message_id, envelope_sha256=sealed.sha256,
        recipient_agency=RECIPIENT,
        key_lookup=public_keys.signing_key_lookup(home_store.session, RECIPIENT),
    )  # fmt: skip


def test_first_post_is_201_repeat_200_and_other_bytes_under_the_same_id_409(
    home_store: Store, intake_url: str, pki: Pki
) -> None:
    sealed = seal_for(home_store)
    assert post(intake_url, pki, sealed.data, sealed.message_id).status_code == 201
    assert post(intake_url, pki, sealed.data, sealed.message_id).status_code == 200
    other = seal_for(home_store, content=b"something else")
    r = post(intake_url, pki, other.data, sealed.message_id)
    assert r.status_code == 409
    assert "different envelope" in r.json()["error"]


def test_concurrent_repeats_store_one_copy_and_give_one_receipt(
    home_store: Store, intake_url: str, pki: Pki
) -> None:
    """Over HTTP (one server process), and straight into two services sharing the inbox (as two
    server processes would): one 201, the same receipt for everyone, one file."""
    from concurrent.futures import ThreadPoolExecutor

    sealed = seal_for(home_store)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: post(intake_url, pki, sealed.data, sealed.message_id),
                                range(8)))  # fmt: skip
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    assert len({json.dumps(a.json(), sort_keys=True) for a in answers}) == 1

    from infoshare.intake import service_for

    other = seal_for(home_store)
    services = [service_for(home_store, RECIPIENT) for _ in range(2)]

    def accept(i: int) -> tuple[dict[str, Any], bool]:
        upload = inbox(home_store) / f".test-upload-{i}.tmp"
        upload.write_bytes(other.data)
        return services[i % 2].accept(other.message_id, upload, other.sha256)

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(accept, range(6)))
    assert sum(created for _, created in results) == 1
    assert len({json.dumps(r, sort_keys=True) for r, _ in results}) == 1
    assert len(list(inbox(home_store).glob(f"{other.message_id}*"))) == 1
    assert not list(inbox(home_store).glob(".test-upload-*"))


# --- bad envelopes: a clear 4xx with the reason, nothing stored --------------------------------


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_garbled_and_forged_envelopes_are_refused_with_a_reason(
    home_store: Store, intake_url: str, pki: Pki
) -> None:
    sealed = seal_for(home_store)
    mid = sealed.message_id
    n = len(sealed.data)
    cases: dict[str, tuple[bytes, str | None, str]] = {
        "magic": (_flip(sealed.data, 0), mid, "not an infoshare v1 envelope"),
        "header": (_flip(sealed.data, 30), mid, "header"),
        "wrapped key": (_flip(sealed.data, n - 64 - 16 - 100), mid, "signature"),
        "chunk": (_flip(sealed.data, n - 64 - 5), mid, "signature"),
        "trailer": (_flip(sealed.data, n - 3), mid, "signature"),
        "truncated": (sealed.data[:-10], mid, "signature|truncated"),
        "junk": (os.urandom(500), mid, "not an infoshare v1 envelope"),
        "empty": (b"", mid, "empty body"),
        "no key": (sealed.data, None, "Idempotency-Key"),
        "bad key": (sealed.data, "../../etc/passwd", "Idempotency-Key"),
        "other id": (sealed.data, "0" * 32, "message id"),
    }
    for what, (body, key, reason) in cases.items():
        r = post(intake_url, pki, body, key)
        assert 400 <= r.status_code < 500, (what, r.status_code, r.text)
        assert re.search(reason, r.json()["error"]), (what, r.json())
        assert "Traceback" not in r.text
    assert mid not in stored(home_store) and "0" * 32 not in stored(home_store)
    assert mid not in stored(home_store, ".json")
    # the sender is told why, and does not retry a refusal
    with pytest.raises(DeliveryRefused, match="422.*signature does not verify"):
        https(home_store, intake_url, pki).deliver(RECIPIENT, mid, _flip(sealed.data, n - 3))


def test_an_envelope_for_another_agency_is_refused(
    home_store: Store, intake_url: str, pki: Pki
) -> None:
    for_police = seal_for(home_store, agency="northshire-police")
    r = post(intake_url, pki, for_police.data, for_police.message_id)
    assert r.status_code == 422
    assert "not addressed to any of this agency's keys" in r.json()["error"]
    assert for_police.message_id not in stored(home_store)


def test_an_envelope_from_an_unregistered_sender_is_refused(
    home_store: Store, intake_url: str, pki: Pki
) -> None:
    forged = seal_items(
        [SealedItem("item-1", "d", b"x")],
        transfer_id="ISR-X",
        decision_sha256="ab" * 32,
        recipients=[home_store.keys.decryption_key(RECIPIENT).public_key()],
        sender=Ed25519PrivateKey.generate(),
    )
    r = post(intake_url, pki, forged.data, forged.message_id)
    assert r.status_code == 422 and "unknown sender key" in r.json()["error"]


def test_tls_is_checked_against_the_registered_ca(
    home_store: Store, intake_url: str, pki: Pki
) -> None:
    sealed = seal_for(home_store)
    transport = HttpsIntake(
        intake_url,
        ca_pem=None,  # the system's trust store, which does not know our test CA
        recipient_key=public_keys.signing_key_lookup(home_store.session, RECIPIENT),
    )
    with pytest.raises(TransientDeliveryError, match="not reached: ConnectError"):
        transport.deliver(RECIPIENT, sealed.message_id, sealed.data)
    assert sealed.message_id not in stored(home_store)


# --- forged receipts: the sender refuses them ---------------------------------------------------


@contextlib.contextmanager
def uvicorn_thread(app: Any, pki: Pki) -> Iterator[str]:
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                       ssl_certfile=str(pki.cert), ssl_keyfile=str(pki.key))
    )  # fmt: skip
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "test server did not start"
        time.sleep(0.05)
    try:
        yield f"https://127.0.0.1:{port}/envelopes"
    finally:
        server.should_exit = True
        t.join(10)


def test_a_forged_or_altered_receipt_is_refused_by_the_sender(home_store: Store, pki: Pki) -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    forge: dict[str, Any] = {}

    async def answer(request: Request) -> JSONResponse:
        body = await request.body()
        import hashlib

        receipt = make_receipt(
            message_id=request.headers["idempotency-key"],
            envelope_sha256=forge.get("sha") or hashlib.sha256(body).hexdigest(),
            transfer_id="ISR-X",
            recipient_agency=forge.get("agency", RECIPIENT),
            signer=forge["signer"],
            received_at=datetime.now(UTC),
        )
        if forge.get("tamper"):
            receipt["receipt"]["transfer_id"] = "ISR-SOMETHING-ELSE"
        return JSONResponse(receipt, status_code=201)

    app = Starlette(routes=[Route("/envelopes", answer, methods=["POST"])])
    sealed = seal_for(home_store)
    genuine = home_store.keys.signing_key(RECIPIENT)
    cases = [
        ({"signer": home_store.keys.signing_key(SENDER)}, "not a signing key of northshire-yjs"),
        ({"signer": Ed25519PrivateKey.generate()}, "not a signing key of northshire-yjs"),
        ({"signer": genuine, "tamper": True}, "signature does not verify"),
        ({"signer": genuine, "sha": "00" * 32}, "another envelope sha256"),
        ({"signer": genuine, "agency": "northshire-police"}, "another recipient agency"),
    ]
    with uvicorn_thread(app, pki) as url:
        transport = https(home_store, url, pki)
        for setting, reason in cases:
            forge.clear()
            forge.update(setting)
            with pytest.raises(DeliveryRefused, match=reason):
                transport.deliver(RECIPIENT, sealed.message_id, sealed.data)
        forge.clear()
        forge["signer"] = genuine  # the control: the same server, honestly signing
        assert transport.deliver(RECIPIENT, sealed.message_id, sealed.data).receipt


def test_directory_inbox_says_honestly_that_there_is_no_receipt(
    home_store: Store, tmp_path: Path
) -> None:
    sealed = seal_for(home_store)
    d = DirectoryInbox(tmp_path).deliver(RECIPIENT, sealed.message_id, sealed.data)
    assert d.receipt is None and d.receipt_note == NO_RECEIPT_DIRECTORY


# --- a flaky network: exactly once -------------------------------------------------------------


class FlakyProxy:
    """A TLS-terminating HTTP proxy on loopback that fails half the requests, at random with a
    fixed seed: it resets the connection before TLS, answers 503 itself, or forwards the request
    to the intake and then drops the intake's answer (the intake has stored the envelope; the
    sender does not know). The rest it forwards faithfully."""

    FATES = ["reset", "503", "drop", "forward", "forward", "forward"]

    def __init__(self, upstream_port: int, pki: Pki, seed: int) -> None:
        self.upstream_port = upstream_port
        self.rng = seeded(seed)
        self.fates: Counter[str] = Counter()
        self.server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.server_tls.load_cert_chain(pki.cert, pki.key)
        self.client_tls = _client_tls(pki)
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()
        server.close()

    def __enter__(self) -> FlakyProxy:
        self.thread.start()
        self.ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        fate = self.rng.choice(self.FATES)
        self.fates[fate] += 1
        try:
            if fate == "reset":
                sock = writer.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                writer.transport.abort()
                return
            await writer.start_tls(self.server_tls)
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            length = next(
                int(v) for k, _, v in (ln.partition(":") for ln in lines[1:])
                if k.strip().lower() == "content-length"
            )  # fmt: skip
            body = await reader.readexactly(length)
            if fate == "503":
                writer.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                             b"Connection: close\r\n\r\n")  # fmt: skip
                await writer.drain()
                return
            kept = [ln for ln in lines[1:] if ln and not ln.lower().startswith("connection:")]
            forwarded = "\r\n".join([lines[0], *kept, "Connection: close", "", ""]).encode()
            up_r, up_w = await asyncio.open_connection(
                "127.0.0.1", self.upstream_port, ssl=self.client_tls, server_hostname="127.0.0.1"
            )
            up_w.write(forwarded + body)
            await up_w.drain()
            answer = await up_r.read()  # until the intake closes: it has answered in full
            up_w.close()
            if fate == "drop":
                writer.transport.abort()
                return
            writer.write(answer)
            await writer.drain()
        except (OSError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()


def test_half_the_requests_fail_and_each_envelope_is_stored_exactly_once(
    home_store: Store, intake_url: str, pki: Pki
) -> None:
    upstream = int(intake_url.split(":")[2].split("/")[0])
    envelopes = [seal_for(home_store, content=f"item {i}".encode()) for i in range(20)]
    before_env, before_receipts = stored(home_store), stored(home_store, ".json")
    with FlakyProxy(upstream, pki, seed=20261126) as proxy:
        transport = https(home_store, f"https://127.0.0.1:{proxy.port}/envelopes", pki)
        deliveries: list[Delivery] = []
        tries = 0
        for sealed in envelopes:
            used = Attempts()
            deliveries.append(
                deliver_with_retries(
                    transport,
                    RECIPIENT,
                    sealed.message_id,
                    sealed.data,
                    deadline=datetime.now(UTC) + timedelta(minutes=5),
                    policy=RetryPolicy(attempts=40, base=0.01, cap=0.1),
                    rng=seeded(1),
                    attempts=used,
                )  # fmt: skip
            )
            tries += used.count
    # the network really was that bad, including answers lost after the intake stored
    assert proxy.fates["reset"] and proxy.fates["503"] and proxy.fates["drop"] >= 2, proxy.fates
    failed = proxy.fates["reset"] + proxy.fates["503"] + proxy.fates["drop"]
    assert 0.35 < failed / sum(proxy.fates.values()) < 0.65, proxy.fates
    assert tries == sum(proxy.fates.values()) > 20
    # exactly once: one file and one receipt per envelope, and the sender holds that receipt
    ids = {s.message_id for s in envelopes}
    assert stored(home_store) - before_env == ids
    assert stored(home_store, ".json") - before_receipts == ids
    assert len(list(inbox(home_store).glob("*.isenv"))) == len(stored(home_store))
    for sealed, d in zip(envelopes, deliveries, strict=True):
        kept = json.loads(
            (inbox(home_store) / "receipts" / f"{sealed.message_id}.json").read_text()
        )
        assert d.receipt == kept
        assert (inbox(home_store) / f"{sealed.message_id}.isenv").read_bytes() == sealed.data
    assert not list(inbox(home_store).glob(".*"))  # no temporary files left behind


# --- the retry policy (pure: an injected clock and sleep) ---------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)


class Flaky:
    """A transport that fails transiently ``failures`` times (each attempt costing ``cost``
    seconds on the clock), then succeeds."""

    method = "TEST"

    def __init__(self, clock: FakeClock, failures: int, cost: float = 1.0) -> None:
        self.clock, self.failures, self.cost = clock, failures, cost
        self.calls: list[float | None] = []

    def deliver(
        self, recipient_agency: str, message_id: str, data: bytes, *, timeout: float | None = None
    ) -> Delivery:
        self.calls.append(timeout)
        self.clock.now += timedelta(seconds=self.cost)
        if len(self.calls) <= self.failures:
            raise TransientDeliveryError("intake answered 503")
        return Delivery(self.method, "x", "sha", None, "")


@pytest.mark.parametrize("seed", range(30))
def test_backoff_never_schedules_a_retry_past_the_deadline(seed: int) -> None:
    clock = FakeClock()
    deadline = clock.now + timedelta(seconds=120)
    transport = Flaky(clock, failures=10**6)
    policy = RetryPolicy(attempts=1000, base=1.0, cap=60.0)
    with pytest.raises(DeliveryDeadline, match=r"no receipt by the deadline \(2026-11-26 10:02"):
        deliver_with_retries(
            transport, RECIPIENT, "m" * 32, b"x", deadline=deadline, policy=policy,
            clock=clock, sleep=clock.sleep, rng=seeded(seed),
        )  # fmt: skip
    assert clock.sleeps, "it retried at all"
    assert clock.now <= deadline  # never slept, nor started an attempt, past the deadline
    # each attempt was given no more than the time left
    for timeout in transport.calls:
        assert timeout is not None and timeout <= 120
    # full jitter within the exponential envelope: retry n waits in [0, min(cap, base*2**(n-1))]
    for n, wait in enumerate(clock.sleeps, start=1):
        assert 0 <= wait <= min(60.0, 2 ** (n - 1))


def test_backoff_delivers_after_transient_failures_and_gives_up_after_the_attempts() -> None:
    clock = FakeClock()
    t = Flaky(clock, failures=3)
    got = deliver_with_retries(
        t, RECIPIENT, "m" * 32, b"x", deadline=None, policy=RetryPolicy(5, 1.0, 10.0),
        clock=clock, sleep=clock.sleep, rng=seeded(0),
    )  # fmt: skip
    assert got.method == "TEST" and len(t.calls) == 4 and len(clock.sleeps) == 3
    with pytest.raises(TransientDeliveryError, match="failed 3 times, last: intake answered 503"):
        deliver_with_retries(
            Flaky(clock, failures=99), RECIPIENT, "m" * 32, b"x", deadline=None,
            policy=RetryPolicy(3, 1.0, 10.0), clock=clock, sleep=clock.sleep,
        )  # fmt: skip


def test_a_refusal_is_not_retried() -> None:
    clock = FakeClock()

    class Refusing(Flaky):
        def deliver(self, *a: Any, **k: Any) -> Delivery:
            self.calls.append(None)
            raise DeliveryRefused("intake refused the envelope (422): signature does not verify")

    t = Refusing(clock, 0)
    with pytest.raises(DeliveryRefused):
        deliver_with_retries(t, RECIPIENT, "m" * 32, b"x", deadline=None, sleep=clock.sleep)
    assert len(t.calls) == 1 and clock.sleeps == []


# --- the command -------------------------------------------------------------------------------


def test_serve_refuses_bad_options_clearly(cli_home: Path, pki: Pki) -> None:
    runner = CliRunner()
    r = runner.invoke(main, ["intake", "serve", "--agency", RECIPIENT, "--cert", str(pki.cert)])
    assert r.exit_code == 2 and "--cert and --key together" in r.output
    r = runner.invoke(
        main,
        [
            "intake",
            "serve",
            "--agency",
            RECIPIENT,
            "--cert",
            str(pki.cert),
            "--key",
            str(pki.ca_file),
        ],
    )
    assert r.exit_code == 2 and "cannot be used" in r.output and "Traceback" not in r.output
    r = runner.invoke(main, ["init"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["intake", "serve", "--agency", "nobody", "--port", "1"])
    assert r.exit_code == 2 and "unknown agency 'nobody'" in r.output


def test_registry_names_the_intake_and_loading_without_it_removes_it(
    home_store: Store, pki: Pki, tmp_path: Path
) -> None:
    doc = json.loads(spec.DEMO_REGISTRY.read_text())
    for a in doc["agencies"]:
        if a["id"] == RECIPIENT:
            a["intake"] = {"url": "https://intake.yjs.test/envelopes", "ca_file": "ca.pem"}
    (tmp_path / "ca.pem").write_text(pki.ca_pem)
    (tmp_path / "registry.json").write_text(json.dumps(doc))
    initialise(home_store, tmp_path / "registry.json")
    with home_store.session() as s:
        found = partnership.intake_of(s, RECIPIENT)
    assert found is not None and found.url == "https://intake.yjs.test/envelopes"
    assert found.ca_pem == pki.ca_pem
    initialise(home_store)  # the demo registry names no intake
    with home_store.session() as s:
        assert partnership.intake_of(s, RECIPIENT) is None
    for bad, reason in (
        ({"url": "http://plain.example/"}, "intake.url"),
        ({"url": "https://x.test/", "ca_file": "missing.pem"}, "not a readable PEM CA bundle"),
    ):
        for a in doc["agencies"]:
            if a["id"] == RECIPIENT:
                a["intake"] = bad
        (tmp_path / "registry.json").write_text(json.dumps(doc))
        with pytest.raises(spec.RegistryError, match=reason):
            initialise(home_store, tmp_path / "registry.json")


# --- end to end: a share request delivered over HTTPS, receipt on the record -------------------


@contextlib.contextmanager
def recipient_on_https(store: Store, url: str, pki: Pki, folder: Path) -> Iterator[None]:
    """The registry names ``url`` as the recipient's intake while the block runs."""
    doc = json.loads(spec.DEMO_REGISTRY.read_text())
    for a in doc["agencies"]:
        if a["id"] == RECIPIENT:
            a["intake"] = {"url": url, "ca_file": str(pki.ca_file)}
    (folder / "registry.json").write_text(json.dumps(doc))
    initialise(store, folder / "registry.json")
    try:
        yield
    finally:
        initialise(store)  # back to the demo registry: directory inboxes


def school_request(content: str) -> Any:
    from test_share_request_flow import Scenario, signoff

    return Scenario(
        "scenario1-school-attendance.json",
        answers=[signoff("school-head", "SHARE", ["item-1"], "Attendance is needed.")],
        prepare={"item-1": content},
        preparer="school-office",
    )


def test_share_request_over_https_keeps_the_signed_receipt_on_the_record(
    stack: Stack, stack_store: Store, mailbox: Mailbox, pki: Pki, tmp_path: Path
) -> None:
    from test_share_request_flow import drive, record_of

    s = school_request("Attendance 2025-26: 88%.")
    with intake_server(stack.home, pki) as url, recipient_on_https(stack_store, url, pki, tmp_path):
        drive(s, stack_store, mailbox)
    assert not s.error, f"{s.error}\n{stack.serve_log.read_text()[-3000:]}"
    assert s.final_state == "COMPLETED"
    rec = record_of(stack_store, s)
    shared = rec["shared"]
    assert rec["decision"] == "SHARE_PARTIAL"
    assert shared["method"] == "HTTPS_INTAKE"
    receipt = verify_receipt(
        shared["receipt"], message_id=shared["envelope_id"],
        envelope_sha256=shared["envelope_sha256"], recipient_agency=RECIPIENT,
        key_lookup=public_keys.signing_key_lookup(stack_store.session, RECIPIENT),
    )  # fmt: skip
    assert receipt["receipt"]["transfer_id"] == s.ref
    assert "verified" in shared["receipt_note"]
    kept = stack_store.settings.inbox_for(RECIPIENT) / "receipts" / f"{shared['envelope_id']}.json"
    assert json.loads(kept.read_text()) == shared["receipt"]
    assert "88%" not in json.dumps(rec)


def test_a_refused_delivery_is_recorded_failed_and_escalated_to_the_dpo(
    stack: Stack, stack_store: Store, mailbox: Mailbox, pki: Pki, tmp_path: Path
) -> None:
    """The registry points at the police's intake by mistake: it refuses an envelope that is not
    for its keys. Nothing is retried, the record says why, and the academy's DPO is told."""
    from test_share_request_flow import drive, record_of

    s = school_request("Attendance 2025-26: 71%.")
    with (
        intake_server(stack.home, pki, agency="northshire-police") as url,
        recipient_on_https(stack_store, url, pki, tmp_path),
    ):
        drive(s, stack_store, mailbox)
    assert not s.error, f"{s.error}\n{stack.serve_log.read_text()[-3000:]}"
    assert s.final_state == "FAILED"
    rec = record_of(stack_store, s)
    assert rec["decision"] == "FAILED" and rec["shared"] is None
    reasons = " ".join(rec["reasons"])
    assert "refused the envelope (422)" in reasons
    assert "not addressed to any of this agency's keys" in reasons
    escalations = [
        m for m in mailbox.messages
        if m["X-Infoshare-Reference"] == s.ref and m["X-Infoshare-Kind"] == "escalation"
    ]  # fmt: skip
    assert len(escalations) == 1
    assert "dpo@academy.northshire.example" in str(escalations[0]["To"])
    assert "not delivered" in escalations[0].get_body(("plain",)).get_content()
