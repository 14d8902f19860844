"""The public portal: published township lists, item pages (QR targets), search — HTML, no login."""

from api.portal.routes import portal_router

__all__ = ["portal_router"]
