"""The server: a JSON API and web pages to query, review and export the store.

``newsevents serve`` runs it; ``create_app`` builds the ASGI application (docs/serve.md).
"""

from .app import create_app

__all__ = ["create_app"]
