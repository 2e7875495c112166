"""infoshare's own store: the source of truth for a request's content and progress, and the
decision records. Prefect holds only references.

``Store`` is the unit of work over the database (one engine, transactions from ``session``)
and holds one repository per aggregate, each in a module of its own:

- ``store.requests`` (``requests.py``): a request, its steps, refused answers, item contents;
- ``store.chain`` (``chain.py``): decision records appended to each agency's hash chain, and
  the subject index;
- ``store.disposals`` (``disposal.py``): destroying a closed request's personal data;
- ``store.enquiries`` (``enquiries.py``): multi-agency enquiries and the agencies they ask;
- ``store.audit`` (``audit.py``): the audit trail.

Each repository method runs in a transaction of its own, and a change that touches two
aggregates (a step and its audit line, a record and its index entries and its request's
status) is made in one. Personal data is sealed under each request's own data key
(``sealing.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from infoshare.config import Settings, load_settings
from infoshare.crypto import MasterKey
from infoshare.db.engine import make_engine
from infoshare.db.revision import require_current
from infoshare.keys import AgencyKeyStore
from infoshare.registry.partnership import Partnership, load_partnership
from infoshare.store import master_keys
from infoshare.store.audit import AuditTrail
from infoshare.store.chain import RecordChain
from infoshare.store.disposal import Disposals
from infoshare.store.enquiries import Enquiries
from infoshare.store.requests import Requests
from infoshare.store.sealing import Sealer


class Store:
    def __init__(self, settings: Settings | None = None, master: MasterKey | None = None) -> None:
        """``master``: the master key to use instead of the configured one (a rotation's)."""
        self.settings = settings or load_settings()
        self.settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.engine = make_engine(self.settings.database_url)
        require_current(self.engine)  # an empty database gets the schema; else it must be at head
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        master = master or MasterKey.load(self.settings.keys_dir, self.settings.master_key_b64)
        try:
            with self.session() as s:  # a retired key refuses; carried-over sub-keys
                self.master = master_keys.with_pins(s, master)
        except BaseException:
            self.engine.dispose()
            raise
        self.keys = AgencyKeyStore(
            self.settings.keys_dir, self.master, self.settings.key_passphrase
        )
        self.sealer = Sealer(self.master)
        self.audit = AuditTrail(self)
        self.requests = Requests(self)
        self.chain = RecordChain(self)
        self.enquiries = Enquiries(self)
        self.disposals = Disposals(self)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions.begin() as s:
            yield s

    def partnership(self) -> Partnership:
        with self.session() as s:
            return load_partnership(s)


_default: Store | None = None


def default_store() -> Store:
    """One store per process, configured from the environment (used by flows and the CLI)."""
    global _default
    if _default is None:
        _default = Store()
    return _default
