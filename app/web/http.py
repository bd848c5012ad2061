"""HTTP as the RFCs say it, for every route: HEAD is GET without a body, and redirects never
echo the request's Host.

FastAPI routes declared with GET answer HEAD with 405 (RFC 9110 9.3.2: HEAD is GET without
content). Starlette builds the Location of its trailing-slash redirect from the request's Host
header, so a forged Host would send users elsewhere; a Location on this site becomes
ARMSWATCH_BASE_URL plus its path, or the path alone.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import get_settings


class HeadAsGetMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_head(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the headers went out with Content-Length, if any, as GET's
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_head)


def public_url(path_and_query: str) -> str:
    """An absolute URL on the configured public address, or `path_and_query` itself (relative)."""
    base = get_settings().base_url
    return base.rstrip("/") + path_and_query if base else path_and_query


class SafeLocationMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "")

        async def send_safe(message: Message) -> None:
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                headers = MutableHeaders(scope=message)
                location = headers.get("location")
                if location:
                    url = urlsplit(location)
                    if url.netloc and url.netloc == host:
                        headers["location"] = public_url(url.path + (f"?{url.query}" if url.query else ""))
            await send(message)

        await self.app(scope, receive, send_safe)
