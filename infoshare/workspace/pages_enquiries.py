"""An enquiry's case view in the workspace: per agency its request, the step it waits for, that
step's due time, RAG status and decision; the enquiry's status and deadline. No personal data,
so no reason is asked; people of the requesting agency or of an agency asked see it, others
get 404 like any page that is not theirs."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from infoshare import enquiries
from infoshare.reports import RAG_WORDS
from infoshare.workspace.web import Ctx, page
from infoshare.worktime import now_utc


@page()
def enquiry_page(ctx: Ctx) -> Response:
    store = ctx.ws.store
    ref = ctx.request.path_params["ref"]
    if not store.enquiries.exists(ref):
        return ctx.not_found()
    view = enquiries.case_view(store, ref, now_utc())
    parties = {view["requesting_agency"], *(a["agency"] for a in view["agencies"])}
    if ctx.person.agency_id not in parties:
        return ctx.not_found()
    return ctx.render("enquiry.html.j2", title=f"Enquiry {ref}", view=view, rag=RAG_WORDS)


def routes() -> list[Route]:
    return [Route("/enquiries/{ref}", enquiry_page, methods=["GET"])]
