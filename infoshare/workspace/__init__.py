"""The workspace: infoshare's own signed-in pages in the browser, beside the Prefect UI.

Each registered person does exactly their part here, with their identity proven (a mailed
sign-in code, then a passkey) and every look at personal data logged: what waits for them, a
request's details, preparing items, answering a step (the run is resumed with a proof bound to
the signed-in person, ``infoshare.identity.workspace_proof``), the outcome and the delivered
items, and the data-protection lead's subject access search and export.

- ``config``: settings (public URL, timeouts, limits);
- ``sessions``: signed session cookies over server-side sessions, CSRF tokens;
- ``signin``: mailed sign-in codes, rate limits and the lock-out;
- ``passkeys``: WebAuthn registration and sign-in;
- ``access``: who may see and do what for a request (others get 404);
- ``app`` (routes, security headers, errors) with the pages in ``pages_*``.

It is an ASGI app (Starlette) served by ``infoshare workspace serve``; pages are rendered on
the server (Jinja2, autoescaped) and work without JavaScript, except passkeys, which need the
browser's WebAuthn API (``static/passkeys.js``). It tells people their sign-in codes through
``notifications`` (who is told what is decided there) and never imports Prefect.
"""
