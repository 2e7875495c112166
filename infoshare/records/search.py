"""Subject access: every decision record an agency is party to that names a person.

Candidates come from the blind index (keyed tags, never names; ``infoshare.store.chain``), so
a search opens only the records about the person; each is then opened and checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from infoshare.db.tables import DecisionChainRow, DecisionRecordRow, RequestRow, SubjectIndexRow
from infoshare.records.chain import floor_row
from infoshare.store import Store
from infoshare.store.chain import normal_name


@dataclass
class SubjectSearch:
    matches: list[dict[str, Any]]
    searched: int  # records of the searcher's agency whose personal part could be read
    disposed: int  # records of that agency whose personal data no longer exists


def subject_search(store: Store, name: str, dob: str | None, agency: str) -> SubjectSearch:
    """Every decision record an agency is party to (asking or disclosing) that names this
    person, as a subject or a third party: what was asked, decided, shared, with whom, when,
    why, and the envelope hashes. Name match ignores case and spacing; ``dob`` (YYYY-MM-DD)
    narrows it. The caller logs the search (who, why; never the name).

    Candidates come from the blind index (``SubjectIndexRow``: keyed tags, no names), so the
    search reads only the records about this person; each is then opened and checked."""
    wanted = normal_name(name)
    name_tag, dob_tag = store.chain.subject_tags(name, dob)
    with store.session() as s:
        head = s.get(DecisionChainRow, agency)
        floor = floor_row(s, agency)  # records up to it were deleted under retention
        total = (
            (head.seq if head else 0)
            - (floor.seq if floor else 0)
            + (
                s.scalar(select(func.count()).where(DecisionRecordRow.requesting_agency == agency))
                or 0
            )
        )
        disposed = sum(
            s.scalar(select(func.count()).where(RequestRow.wrapped_key.is_(None), column == agency))
            or 0
            for column in (RequestRow.disclosing_agency, RequestRow.requesting_agency)
        )
        out = SubjectSearch([], total - disposed, disposed)
        # the index first (a handful of rows by tag), then those records by their unique ref
        refs = set(
            s.scalars(
                select(SubjectIndexRow.ref).where(
                    SubjectIndexRow.name_dob_tag == dob_tag
                    if dob_tag
                    else SubjectIndexRow.name_tag == name_tag,
                    (SubjectIndexRow.disclosing_agency == agency)
                    | (SubjectIndexRow.requesting_agency == agency),
                )
            )
        )
        rows = sorted(
            s.scalars(select(DecisionRecordRow).where(DecisionRecordRow.ref.in_(sorted(refs)))),
            key=lambda r: r.decided_at,
        )
        for row in rows:
            opened = store.chain.personal_and_salts(s, row)
            if opened is None:
                continue
            personal = opened[0]
            roles = [
                role
                for role, key in (("subject", "subjects"), ("third party", "third_parties"))
                for p in personal.get(key, [])
                if normal_name(str(p.get("name", ""))) == wanted
                and (not dob or p.get("date_of_birth") == dob)
            ]
            if not roles:
                continue
            pub = row.public
            out.matches.append(
                {
                    "reference": row.ref,
                    "named_as": sorted(set(roles)),
                    "received_at": pub.get("received_at"),
                    "requesting_agency": row.requesting_agency,
                    "disclosing_agency": row.disclosing_agency,
                    "purpose": pub.get("purpose"),
                    "items": pub.get("items", []),
                    "decision": row.decision,
                    "decided_at": pub.get("decided_at"),
                    "reasons": pub.get("reasons", []),
                    "approvers": pub.get("approvers", []),
                    "override": pub.get("override"),
                    "shared": pub.get("shared"),
                    "record_sha256": row.record_sha256,
                    "chain": {"agency": row.disclosing_agency, "seq": row.chain_seq},
                }
            )
    return out


def logged_subject_search(
    store: Store, name: str, dob: str | None, person_id: str, agency: str, why: str
) -> SubjectSearch:
    """The search, logged as a consultation (DPA 2018 s.62): who searched, why and how many
    were found (never the name), and a line on each record found."""
    found = subject_search(store, name, dob, agency)
    store.audit.write(
        None, None, person_id, "subject search",
        f"{why} ({len(found.matches)} found in {agency}'s records)",
    )  # fmt: skip
    for m in found.matches:
        store.audit.write(m["reference"], None, person_id, "found by subject search", why)
    return found
