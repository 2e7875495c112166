"""The decision record as the run's artifact shows it in the Prefect UI: no personal data,
people by registry id and role, subjects only as a count."""

from __future__ import annotations

from typing import Any


def summary_markdown(public: dict[str, Any]) -> str:
    """The record without personal data, for the run's artifact in the Prefect UI.

    People are shown by registry id and role only; subjects only as a count."""
    shared = public.get("shared")
    lines = [
        f"## Decision {public['decision']}: {public['reference']}",
        "",
        f"{public['requesting_agency']} asked {public['disclosing_agency']} "
        f"({public['urgency']}); due {public.get('due_at') or '-'}, decided "
        f"{public['decided_at']}{'' if public.get('on_time', True) else ' **(late)**'}.",
        "",
        "**Reasons**",
        *[f"- {r}" for r in public["reasons"]],
        "",
        "| item | information | shared |",
        "| --- | --- | --- |",
        *[
            f"| {i['id']} | {i['description']} | {'yes' if i['shared'] else 'no'} |"
            for i in public["items"]
        ],
        "",
        f"Purpose {public['purpose']}; {public['regime']}, basis {public['lawful_basis']}, "
        f"gateway {public['gateway']}, ISA {public.get('isa_reference') or '-'}; consent "
        f"{public['consent']}; subjects {public['subject_count']}.",
    ]
    if public.get("override"):
        o = public["override"]
        lines.append(
            f"Consent overridden on {', '.join(o['grounds'])} by {o['justified_by']['id']}; "
            f"subject informed: {'yes' if o['subject_informed'] else 'no'}."
        )
    emergency = public.get("emergency")
    if emergency:
        lines.append(
            f"Emergency share (risk to life): {emergency['outcome']}"
            + (
                f", retrospective sign-off {emergency['retrospective_signoff']['decision']}."
                if emergency.get("retrospective_signoff")
                else "."
            )
        )
    for a in public.get("approvers", []):
        what = "Confirmed in an emergency" if a.get("step") == "emergency" else "Signed off"
        lines.append(
            f"{what} by {a.get('id')} ({a.get('role', '?')}) at {a.get('at')}, proven by "
            f"{a.get('proof', 'code')}."
        )
    if shared:
        lines.append(
            f"Delivered to {shared['with']} by {shared['method']}: envelope "
            f"`{shared['envelope_id']}`, SHA-256 `{shared['envelope_sha256']}`; "
            f"{shared.get('receipt_note') or 'no receipt recorded'}."
        )
    return "\n".join(lines)
