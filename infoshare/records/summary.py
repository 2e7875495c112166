"""The decision record as the run's artifact shows it in the Prefect UI: no personal data,
people by registry id and role, subjects only as a count."""

from __future__ import annotations

from typing import Any

from infoshare.markdown import md


def summary_markdown(public: dict[str, Any]) -> str:
    """The record without personal data, for the run's artifact in the Prefect UI.

    People are shown by registry id and role only; subjects only as a count. Values infoshare
    did not write itself go through ``markdown.md`` (Prefect renders markdown and HTML)."""
    shared = public.get("shared")
    lines = [
        f"## Decision {public['decision']}: {public['reference']}",
        "",
        f"{md(public['requesting_agency'])} asked {md(public['disclosing_agency'])} "
        f"({public['urgency']}); due {public.get('due_at') or '-'}, decided "
        f"{public['decided_at']}{'' if public.get('on_time', True) else ' **(late)**'}.",
        "",
        "**Reasons**",
        *[f"- {md(r)}" for r in public["reasons"]],
        "",
        "| item | information | shared |",
        "| --- | --- | --- |",
        *[
            f"| {i['id']} | {md(i['description'])} | {'yes' if i['shared'] else 'no'} |"
            for i in public["items"]
        ],
        "",
        f"Purpose {public['purpose']}; {public['regime']}, basis {public['lawful_basis']}, "
        f"gateway {public['gateway']}, ISA {md(public.get('isa_reference') or '-')}; consent "
        f"{public['consent']}; subjects {public['subject_count']}.",
    ]
    if public.get("override"):
        o = public["override"]
        lines.append(
            f"Consent overridden on {', '.join(o['grounds'])} by {md(o['justified_by']['id'])}; "
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
            f"{what} by {md(a.get('id'))} ({md(a.get('role', '?'))}) at {a.get('at')}, proven by "
            f"{a.get('proof', 'code')}."
        )
    if shared:
        lines.append(
            f"Delivered to {md(shared['with'])} by {shared['method']}: envelope "
            f"`{shared['envelope_id']}`, SHA-256 `{shared['envelope_sha256']}`; "
            f"{md(shared.get('receipt_note') or 'no receipt recorded')}."
        )
    return "\n".join(lines)
