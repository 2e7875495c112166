"""infoshare's gate: the only way people reach the Prefect UI and API.

``policy`` decides what a signed-in person may do (pure); ``stamp`` marks an answer that
passes the gate with who gave it; ``app`` is the reverse proxy (HTTP and websockets) and the
decision endpoint a standard reverse proxy asks (forward-auth). The gate signs people in with
the workspace's sign-in and session cookie; it never imports Prefect.
"""
