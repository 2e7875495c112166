"""The data-protection lead's pages: subject access search and a period's export, for the
agencies they lead (``Partnership.led_by``), logged exactly as ``infoshare records search`` and
``records export`` are. Names and dates of birth are posted, never put in an address."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime, time, timedelta

from starlette.responses import Response
from starlette.routing import Route

from infoshare.keys import KeyStoreError
from infoshare.records.export import export_bytes, export_manifest, export_rows, log_export
from infoshare.records.search import logged_subject_search
from infoshare.workspace.web import Ctx, download, page

FORMATS = ("csv", "json", "html")


def _led(ctx: Ctx) -> list[str]:
    return ctx.ws.store.partnership().led_by(ctx.person.id)


def _day(value: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
    except ValueError:
        return None


def _page(ctx: Ctx, status: int = 200, **values: object) -> Response:
    defaults: dict[str, object] = {"errors": [], "results": None, "given": ctx.body.form or {}}
    return ctx.render("dpo.html.j2", status, title="Data protection", agencies=_led(ctx),
                      formats=FORMATS, **{**defaults, **values})  # fmt: skip


@page()
def dpo(ctx: Ctx) -> Response:
    if not _led(ctx):
        return ctx.not_found()
    return _page(ctx)


@page()
def search(ctx: Ctx) -> Response:
    led = _led(ctx)
    if not led:
        return ctx.not_found()
    name, dob, why = ctx.field("name"), ctx.field("dob"), ctx.field("why")
    errors = []
    if not name:
        errors.append("Give the person's full name.")
    if dob and (_day(dob) is None or len(dob) != 10):
        errors.append("The date of birth must be a date like 2002-06-02.")
    if len(why) < 5:
        errors.append("Say why you are searching (e.g. the subject access request reference).")
    if errors:
        return _page(ctx, 400, errors=errors)
    results = [
        (agency, logged_subject_search(ctx.ws.store, name, dob or None, ctx.person.id, agency, why))
        for agency in led
    ]
    return _page(ctx, results=results)


@page()
def export(ctx: Ctx) -> Response:
    led = _led(ctx)
    if not led:
        return ctx.not_found()
    agency, fmt, why = ctx.field("agency"), ctx.field("format"), ctx.field("why")
    since, until = _day(ctx.field("since")), _day(ctx.field("until"))
    errors = []
    if agency not in led:
        errors.append("Choose one of the agencies you are the data-protection lead of.")
    if since is None or until is None:
        errors.append("Give the first and the last day as dates like 2026-01-31.")
    elif until < since:
        errors.append("The last day is before the first.")
    if fmt not in FORMATS:
        errors.append("Choose csv, json or html.")
    if len(why) < 5:
        errors.append("Say why you are exporting (e.g. the auditor's reference).")
    if errors:
        return _page(ctx, 400, errors=errors)
    assert since is not None and until is not None
    end = until + timedelta(days=1)
    store = ctx.ws.store
    name = f"{agency}-records-{since:%Y%m%d}-{until:%Y%m%d}.{fmt}"
    rows = export_rows(store, agency, since, end)
    data = export_bytes(rows, fmt, agency, since, end)
    try:
        signed = export_manifest(store, agency, since, end, fmt, rows, data, name, ctx.person.id)
    except KeyStoreError as exc:
        return _page(ctx, 503, errors=[f"The manifest cannot be signed on this machine: {exc}"])
    log_export(store, ctx.person.id, agency, f"{since:%Y-%m-%d}", f"{until:%Y-%m-%d}", fmt,
               len(rows), why)  # fmt: skip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
        z.writestr(f"{name}.manifest.json", json.dumps(signed, indent=2) + "\n")
    return download(buf.getvalue(), f"{name}.zip")


def routes() -> list[Route]:
    return [
        Route("/dpo", dpo, methods=["GET"]),
        Route("/dpo/search", search, methods=["POST"]),
        Route("/dpo/export", export, methods=["POST"]),
    ]
