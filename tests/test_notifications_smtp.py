"""Delivery over real SMTP: an aiosmtpd server on loopback, plain, STARTTLS and implicit TLS."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from infoshare.config import load_settings
from notifications import (
    Delivered,
    DeliveryError,
    Kind,
    MailConfig,
    Notice,
    SmtpTarget,
    deliver,
    render,
)

CODE = "731-502-118"


def _notice() -> Notice:
    return Notice(
        kind=Kind.APPROVAL_NEEDED,
        reference="ISR-20260701-AB12CD34",
        requesting_agency="Northshire MASH",
        disclosing_agency="City Hospital NHS Trust",
        tier="RED",
        due=dt.datetime.now(dt.UTC) + dt.timedelta(hours=4),
        link="http://127.0.0.1:4200/runs/flow-run/0b5c6d3e",
        recipient_name="Dr Priya Rao",
        recipient_email="p.rao@hospital.example",
        step="signoff",
        code=CODE,
    )


@dataclass
class Recorder:
    """An aiosmtpd handler: records what it accepts; ``replies`` scripts answers to DATA."""

    replies: list[str] = field(default_factory=list)
    received: list[Any] = field(default_factory=list)
    data_calls: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.data_calls += 1
        if self.replies:
            return self.replies.pop(0)
        self.received.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content, session)
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key."""
    d = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "infoshare test SMTP")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = d / "cert.pem", d / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _server_tls(cert: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*cert)
    return ctx


@dataclass
class Server:
    handler: Recorder
    port: int
    logins: list[tuple[str, str]]


def _authenticator(logins: list[tuple[str, str]]) -> Any:
    def check(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        user = auth_data.login.decode()
        ok = (user, auth_data.password.decode()) == ("mailer", "s3cret:/@pass")
        if ok:
            logins.append((mechanism, user))
        return AuthResult(success=ok, handled=False)

    return check


@pytest.fixture
def smtp_server(request: pytest.FixtureRequest, cert: tuple[Path, Path]) -> Iterator[Server]:
    """mode: "plain", "starttls" (required, with AUTH) or "smtps" (implicit TLS)."""
    mode = getattr(request, "param", "plain")
    handler, logins, port = Recorder(), [], _free_port()
    kwargs: dict[str, Any] = {"server_hostname": "mail.test", "ready_timeout": 10}
    if mode == "starttls":
        kwargs |= {
            "tls_context": _server_tls(cert),
            "require_starttls": True,
            "authenticator": _authenticator(logins),
            "auth_required": True,
        }
    elif mode == "smtps":
        kwargs |= {"ssl_context": _server_tls(cert)}
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield Server(handler, port, logins)
    finally:
        controller.stop()


def _mail(url: str, cert: tuple[Path, Path] | None = None, **over: Any) -> MailConfig:
    cfg = MailConfig(smtp=SmtpTarget.parse(url), ca_file=cert[0] if cert else None, backoff=0.05)
    return replace(cfg, **over)


def _received(server: Server) -> EmailMessage:
    assert len(server.handler.received) == 1
    mail_from, rcpts, content, _ = server.handler.received[0]
    assert mail_from == "infoshare@localhost" and rcpts == ["p.rao@hospital.example"]
    msg = message_from_bytes(content, policy=default_policy)
    assert isinstance(msg, EmailMessage)
    return msg


def _code_in(msg: EmailMessage) -> str:
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None
    line = next(x for x in body.get_content().splitlines() if x.startswith("Your one-time code:"))
    return line.split(":", 1)[1].strip()


def test_plain_smtp_delivers_the_message(smtp_server: Server, tmp_path: Path) -> None:
    settings = load_settings({"INFOSHARE_HOME": str(tmp_path)})
    got = deliver(render(_notice()), settings, _mail(f"smtp://127.0.0.1:{smtp_server.port}"))
    assert got == Delivered("smtp", f"smtp://127.0.0.1:{smtp_server.port}")
    msg = _received(smtp_server)
    # as a mail client shows it: a long Subject is folded onto the next line when the due time
    # is another day's, and the fold's whitespace is not part of what is read
    assert (
        msg["Subject"]
        .lstrip()
        .startswith("[infoshare] Sign-off needed: ISR-20260701-AB12CD34 (RED, due ")
    )
    assert _code_in(msg) == CODE  # a manager reads the code from the mail
    assert not (tmp_path / "outbox").exists()


@pytest.mark.parametrize("smtp_server", ["starttls"], indirect=True)
def test_starttls_with_login_and_a_private_ca(smtp_server: Server, cert: tuple[Path, Path]) -> None:
    url = f"smtp://mailer:s3cret%3A%2F%40pass@127.0.0.1:{smtp_server.port}?starttls=1"
    got = deliver(render(_notice()), load_settings({}), _mail(url, cert))
    assert got.where == f"smtp+starttls://127.0.0.1:{smtp_server.port}"
    assert smtp_server.logins and smtp_server.logins[0][1] == "mailer"
    _, _, _, session = smtp_server.handler.received[0]
    assert session.ssl is not None  # the message travelled inside TLS
    assert _code_in(_received(smtp_server)) == CODE


@pytest.mark.parametrize("smtp_server", ["starttls"], indirect=True)
def test_wrong_password_is_a_permanent_error(smtp_server: Server, cert: tuple[Path, Path]) -> None:
    url = f"smtp://mailer:wrong@127.0.0.1:{smtp_server.port}?starttls=1"
    with pytest.raises(DeliveryError, match="rejected the SMTP user name or password") as err:
        deliver(render(_notice()), load_settings({}), _mail(url, cert))
    assert "wrong" not in str(err.value)
    assert smtp_server.handler.received == []


@pytest.mark.parametrize("smtp_server", ["starttls"], indirect=True)
def test_untrusted_certificate_is_refused(smtp_server: Server) -> None:
    url = f"smtp://127.0.0.1:{smtp_server.port}?starttls=1"
    t0 = time.monotonic()
    with pytest.raises(DeliveryError, match="certificate not trusted.*INFOSHARE_SMTP_CA_FILE"):
        deliver(render(_notice()), load_settings({}), _mail(url, None))
    assert time.monotonic() - t0 < 2  # not retried
    assert smtp_server.handler.received == []


@pytest.mark.parametrize("smtp_server", ["smtps"], indirect=True)
def test_implicit_tls(smtp_server: Server, cert: tuple[Path, Path]) -> None:
    got = deliver(
        render(_notice()), load_settings({}), _mail(f"smtps://127.0.0.1:{smtp_server.port}", cert)
    )
    assert got == Delivered("smtp", f"smtps://127.0.0.1:{smtp_server.port}")
    assert _code_in(_received(smtp_server)) == CODE


def test_starttls_asked_but_not_offered_is_refused(
    smtp_server: Server, cert: tuple[Path, Path]
) -> None:
    url = f"smtp://127.0.0.1:{smtp_server.port}?starttls=1"
    with pytest.raises(DeliveryError, match="does not offer STARTTLS; refusing to send in clear"):
        deliver(render(_notice()), load_settings({}), _mail(url, cert))
    assert smtp_server.handler.received == []


def test_transient_failure_is_retried_and_delivered_once(
    smtp_server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.handler.replies = ["451 4.3.0 try again later"]
    with caplog.at_level(logging.INFO, logger="infoshare.notifications"):
        deliver(render(_notice()), load_settings({}), _mail(f"smtp://127.0.0.1:{smtp_server.port}"))
    assert smtp_server.handler.data_calls == 2
    assert len(smtp_server.handler.received) == 1
    assert "451 4.3.0" in caplog.text and "retrying" in caplog.text
    for secret in (CODE, "p.rao@hospital.example", "Dr Priya Rao", "Northshire"):
        assert secret not in caplog.text  # logs carry the Message-ID and SMTP codes only


def test_permanent_failure_is_a_clear_error_without_retry(smtp_server: Server) -> None:
    smtp_server.handler.replies = ["550 5.7.1 mailbox p.rao@hospital.example unavailable"]
    with pytest.raises(DeliveryError) as err:
        deliver(render(_notice()), load_settings({}), _mail(f"smtp://127.0.0.1:{smtp_server.port}"))
    assert str(err.value) == (
        f"smtp://127.0.0.1:{smtp_server.port} rejected the message permanently: 550 5.7.1"
    )
    assert smtp_server.handler.data_calls == 1 and smtp_server.handler.received == []


def test_persistent_transient_failure_gives_up_after_the_attempts(smtp_server: Server) -> None:
    smtp_server.handler.replies = ["451 busy"] * 5
    with pytest.raises(DeliveryError, match=r"after 3 attempt\(s\): server said 451"):
        deliver(render(_notice()), load_settings({}), _mail(f"smtp://127.0.0.1:{smtp_server.port}"))
    assert smtp_server.handler.data_calls == 3


def test_connection_refused_is_retried_within_a_bounded_time() -> None:
    port = _free_port()  # nothing listens here
    t0 = time.monotonic()
    with pytest.raises(DeliveryError, match="connection refused"):
        deliver(
            render(_notice()), load_settings({}), _mail(f"smtp://127.0.0.1:{port}", max_total=1.0)
        )
    assert time.monotonic() - t0 < 1.5


def test_settings_from_the_environment(tmp_path: Path, cert: tuple[Path, Path]) -> None:
    cfg = MailConfig.from_env(
        {
            "INFOSHARE_SMTP_URL": "smtp://u%40x:p%2Fw@mail.example:587",
            "INFOSHARE_MAIL_FROM": "noreply@partnership.example",
            "INFOSHARE_SMTP_CA_FILE": str(cert[0]),
        }
    )
    assert cfg.smtp is not None and cfg.smtp.starttls and not cfg.smtp.implicit_tls
    assert (cfg.smtp.username, cfg.smtp.password) == ("u@x", "p/w")
    assert "p/w" not in repr(cfg)
    assert cfg.mail_from == "noreply@partnership.example" and cfg.ca_file == cert[0]
    assert SmtpTarget.parse("smtp://h").port == 25 and not SmtpTarget.parse("smtp://h").starttls
    assert SmtpTarget.parse("smtp://h:587?starttls=0").starttls is False
    assert SmtpTarget.parse("smtps://h").port == 465
    assert MailConfig.from_env({}).smtp is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"INFOSHARE_SMTP_URL": "http://mail.example"}, "must look like smtp://"),
        ({"INFOSHARE_SMTP_URL": "smtp://mail.example:port"}, "port is not a number"),
        ({"INFOSHARE_SMTP_URL": "smtp://h?starttls=maybe"}, "starttls must be 1 or 0"),
        ({"INFOSHARE_SMTP_CA_FILE": "/nonexistent/ca.pem"}, "is not a readable file"),
        ({"INFOSHARE_MAIL_FROM": "nobody"}, "INFOSHARE_MAIL_FROM"),
    ],
)
def test_bad_settings_are_one_line_delivery_errors(
    env: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    msg = render(_notice(), mail_from="infoshare@localhost")
    with pytest.raises(DeliveryError, match=message) as err:
        deliver(msg, load_settings({}))
    assert "\n" not in str(err.value)


# --- credentials from a Prefect EmailServerCredentials block (INFOSHARE_SMTP_BLOCK) ------------
# The block lives on the real Prefect server (the session's ``prefect_server``); delivery goes
# through the normal path, ``deliver(msg, settings)`` reading the environment.


@pytest.fixture
def prefect_api(prefect_server: Any) -> Iterator[str]:
    """This process talks to the session's Prefect server, with prefect-email's block type
    registered there (what `prefect block register -m prefect_email` does)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect_email import EmailServerCredentials

    with temporary_settings(updates={PREFECT_API_URL: prefect_server.api_url}):
        EmailServerCredentials.register_type_and_schema()
        yield str(prefect_server.api_url)


def _client_logs(caplog: pytest.LogCaptureFixture) -> str:
    """What our side logged (infoshare, Prefect, smtplib): not the test SMTP server's own log,
    which echoes every line it receives at DEBUG."""
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))


def _save_block(name: str, **fields: Any) -> None:
    from prefect_email import EmailServerCredentials

    EmailServerCredentials(**fields).save(name, overwrite=True)


@pytest.fixture
def block_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No SMTP URL (the session's ``stack`` may have set one in this process), a fresh home."""
    for var in ("INFOSHARE_SMTP_URL", "INFOSHARE_SMTP_CA_FILE", "INFOSHARE_MAIL_FROM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("INFOSHARE_HOME", str(tmp_path))
    yield tmp_path


def test_block_insecure_delivers_through_the_normal_path(
    prefect_api: str,
    prefect_server: Any,
    mailbox: Any,
    block_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from prefect_server import scan_database_for

    port = SmtpTarget.parse(mailbox.url).port
    _save_block("infoshare-mail-plain", smtp_server="127.0.0.1", smtp_port=port,
                smtp_type="INSECURE")  # fmt: skip
    monkeypatch.setenv("INFOSHARE_SMTP_BLOCK", "infoshare-mail-plain")
    msg = render(_notice())
    with caplog.at_level(logging.DEBUG):
        got = deliver(msg, load_settings())
    assert got == Delivered("smtp", f"smtp://127.0.0.1:{port}")
    arrived = [m for m in mailbox.messages if m["Message-ID"] == msg["Message-ID"]]
    assert len(arrived) == 1
    m = arrived[0]
    assert m["From"] == "infoshare@localhost"
    assert m["To"].addresses[0].addr_spec == "p.rao@hospital.example"
    assert (
        m["Subject"]
        .lstrip()
        .startswith("[infoshare] Sign-off needed: ISR-20260701-AB12CD34 (RED, due ")
    )  # a fold read as a client does
    assert (m["X-Infoshare-Reference"], m["X-Infoshare-Kind"]) == (
        "ISR-20260701-AB12CD34",
        "approval_needed",
    )
    assert _code_in(m) == CODE
    assert not (block_env / "outbox").exists()
    # Loading the block sent nothing of the message to Prefect, and no log carries it.
    assert scan_database_for(prefect_server, [CODE, "Dr Priya Rao"]) == []
    for secret in (CODE, "p.rao@hospital.example", "Dr Priya Rao"):
        assert secret not in _client_logs(caplog)


@pytest.mark.parametrize(
    ("smtp_server", "smtp_type", "login", "where"),
    [
        ("starttls", "STARTTLS", True, "smtp+starttls"),
        ("smtps", "SSL", False, "smtps"),
    ],
    indirect=["smtp_server"],
)
def test_block_tls_with_login_and_a_private_ca(
    smtp_server: Server,
    smtp_type: str,
    login: bool,
    where: str,
    cert: tuple[Path, Path],
    prefect_api: str,
    block_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    creds = {"username": "mailer", "password": "s3cret:/@pass"} if login else {}
    name = f"infoshare-mail-{smtp_type.lower()}"
    _save_block(name, smtp_server="localhost", smtp_port=smtp_server.port, smtp_type=smtp_type,
                **creds)  # fmt: skip
    monkeypatch.setenv("INFOSHARE_SMTP_BLOCK", name)
    monkeypatch.setenv("INFOSHARE_SMTP_CA_FILE", str(cert[0]))
    with caplog.at_level(logging.DEBUG):
        got = deliver(render(_notice()), load_settings())
    assert got == Delivered("smtp", f"{where}://localhost:{smtp_server.port}")
    msg = _received(smtp_server)
    assert msg["X-Infoshare-Reference"] == "ISR-20260701-AB12CD34"
    assert _code_in(msg) == CODE
    if smtp_type == "STARTTLS":  # an smtps server speaks only TLS: arriving there proves it
        _, _, _, session = smtp_server.handler.received[0]
        assert session.ssl is not None  # the message travelled inside TLS
    assert [user for _, user in smtp_server.logins] == (["mailer"] if login else [])
    assert "s3cret" not in _client_logs(caplog)


def test_a_missing_block_is_a_clear_error_not_the_outbox(
    prefect_api: str, block_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INFOSHARE_SMTP_BLOCK", "no-such-mail-block")
    with pytest.raises(DeliveryError) as err:
        deliver(render(_notice()), load_settings())
    assert str(err.value).startswith(
        "INFOSHARE_SMTP_BLOCK: no EmailServerCredentials block named 'no-such-mail-block' on "
        f"the Prefect server at PREFECT_API_URL={prefect_api}; register the block type"
    )
    assert "\n" not in str(err.value)
    assert not (block_env / "outbox").exists()  # the user asked for SMTP: no quiet fall-back


def test_unreachable_prefect_is_a_clear_error_naming_the_settings(
    block_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    closed = f"http://127.0.0.1:{_free_port()}/api"  # nothing listens here
    monkeypatch.setenv("INFOSHARE_SMTP_BLOCK", "infoshare-mail")
    t0 = time.monotonic()
    with (
        temporary_settings(updates={PREFECT_API_URL: closed}),
        pytest.raises(DeliveryError) as err,
    ):
        deliver(render(_notice()), load_settings())
    assert str(err.value) == (
        "INFOSHARE_SMTP_BLOCK: cannot load the block 'infoshare-mail' from Prefect at "
        f"PREFECT_API_URL={closed} (ConnectError); is the Prefect server running?"
    )
    assert time.monotonic() - t0 < 15
    assert not (block_env / "outbox").exists()


def test_a_block_that_turns_verification_off_is_refused(
    prefect_api: str, block_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _save_block("infoshare-mail-unverified", smtp_server="127.0.0.1", smtp_port=_free_port(),
                smtp_type="STARTTLS", username="mailer", password="hunter2-unverified",  # noqa: S106
                verify=False)  # fmt: skip
    monkeypatch.setenv("INFOSHARE_SMTP_BLOCK", "infoshare-mail-unverified")
    with pytest.raises(DeliveryError, match="turns certificate verification off") as err:
        deliver(render(_notice()), load_settings())
    assert "hunter2" not in str(err.value)


def test_url_and_block_both_set_is_an_error_naming_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFOSHARE_SMTP_URL", "smtp://127.0.0.1:25")
    monkeypatch.setenv("INFOSHARE_SMTP_BLOCK", "infoshare-mail")
    with pytest.raises(DeliveryError, match="INFOSHARE_SMTP_URL and INFOSHARE_SMTP_BLOCK are both"):
        deliver(render(_notice()), load_settings({}))
    cfg = MailConfig.from_env({"INFOSHARE_SMTP_BLOCK": " infoshare-mail "})
    assert (cfg.smtp, cfg.smtp_block) == (None, "infoshare-mail")
