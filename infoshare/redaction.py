"""What of a request may leave infoshare's store: its public view and the redacted copy that
replaces the run's parameters in Prefect.

``models.PERSONAL_FIELDS`` names the fields that may hold personal data (and each item's
necessity may too); they are kept only sealed in the store (``infoshare.store.sealing``).
"""

from __future__ import annotations

from typing import Any

from infoshare.models import PERSONAL_FIELDS, Enquiry, ShareRequest


def public_view(req: ShareRequest) -> dict[str, Any]:
    """The request without its personal fields: safe for reports, Prefect and notifications."""
    data = req.model_dump(mode="json", exclude=set(PERSONAL_FIELDS))
    for item in data["items"]:
        item.pop("necessity", None)
    data["subject_count"] = len(req.subjects)
    data["third_party_count"] = len(req.third_parties)
    data["item_ids"] = req.item_ids()
    return data


def redacted_parameters(req: ShareRequest, ref: str) -> dict[str, Any]:
    """What stays in Prefect's copy of the run parameters: a valid request in which every field
    of ``PERSONAL_FIELDS`` (and each item's necessity) is emptied or replaced by a pointer."""
    placeholder = f"held in infoshare as {ref}"
    data = req.model_dump(mode="json")
    for name in PERSONAL_FIELDS:
        data[name] = [] if isinstance(data[name], list) else placeholder
    for item in data["items"]:
        item["necessity"] = placeholder
    return {"request": data}


def public_enquiry(enq: Enquiry) -> dict[str, Any]:
    """An enquiry without its personal fields (nor any item's necessity)."""
    data = enq.model_dump(mode="json", exclude=set(PERSONAL_FIELDS))
    for ask in data["agencies"]:
        for item in ask["items"]:
            item.pop("necessity", None)
    data["subject_count"] = len(enq.subjects)
    data["third_party_count"] = len(enq.third_parties)
    return data


def redacted_enquiry(enq: Enquiry, ref: str) -> dict[str, Any]:
    """What stays in Prefect's copy of an enquiry run's parameters (as for a request)."""
    placeholder = f"held in infoshare as {ref}"
    data = enq.model_dump(mode="json")
    for name in PERSONAL_FIELDS:
        data[name] = [] if isinstance(data[name], list) else placeholder
    for ask in data["agencies"]:
        for item in ask["items"]:
            item["necessity"] = placeholder
    return {"enquiry": data}


def part_parameters(req: ShareRequest, enquiry_ref: str, part: str) -> dict[str, Any]:
    """A share-request run's parameters for one agency's part of an enquiry: the redacted
    request, each person only a numbered pointer (the form requires a subject), and the
    reference to its part, from which the run takes the request in the store."""
    data = redacted_parameters(req, enquiry_ref)
    placeholder = f"held in infoshare as {enquiry_ref}"
    data["request"]["subjects"] = [
        {"name": f"subject {n}, {placeholder}"} for n in range(1, len(req.subjects) + 1)
    ]
    return {**data, "enquiry_part": part}
