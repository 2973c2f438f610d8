"""The Starlette app: the static page and the JSON API over one :class:`WebSession`.

Every API call runs in a worker thread under one asyncio lock (the session has one cursor),
so the event loop keeps serving the page's files meanwhile.  Every failure is a JSON reply
``{"error": "one line"}`` with a 4xx status (5xx for a bug), never a traceback, and the
server goes on.  docs/web.md lists the endpoints.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from vmdebug.web.state import WebError, WebSession

STATIC = Path(__file__).with_name("static")
#: The names of the loopback address a browser may use for a server listening there.
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]


def _int(text: str | None, what: str) -> int:
    """A step or an address from the query string: decimal, or hex with 0x."""
    if text is None or not text.strip():
        raise WebError(f"missing {what}")
    try:
        return int(text.strip(), 0)
    except ValueError:
        raise WebError(f"{what} must be a number, not {text[:40]!r}") from None


def create_app(session: WebSession, hosts: list[str] | None = None) -> Starlette:
    """The app; ``hosts`` are the names a request's Host header may give (None: any).  A server
    on the loopback address answers only to loopback names, so a web page elsewhere cannot
    read the session by pointing a name of its own at 127.0.0.1 (DNS rebinding)."""
    lock = asyncio.Lock()

    async def answer(fn: Callable[[], Any]) -> Response:
        try:
            async with lock:
                data = await asyncio.to_thread(fn)
        except WebError as exc:
            return JSONResponse({"error": _one_line(str(exc))}, status_code=exc.status)
        except Exception as exc:   # a bug: one line for the page, and the server goes on
            return JSONResponse({"error": _one_line(f"internal error: {type(exc).__name__}: {exc}")},
                                status_code=500)
        return JSONResponse(data)

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    async def info(request: Request) -> Response:
        return await answer(session.info)

    async def step(request: Request) -> Response:
        text = request.path_params["n"]
        return await answer(lambda: session.step(_int(text, "step")))

    async def source(request: Request) -> Response:
        file = request.query_params.get("file")
        return await answer(lambda: session.source(file) if file else _missing("file"))

    async def motion(request: Request) -> Response:
        q = request.query_params
        return await answer(lambda: session.motion(_int(q.get("from"), "from"), q.get("cmd") or ""))

    async def history(request: Request) -> Response:
        q = request.query_params

        def run() -> Any:
            n = _int(q.get("step"), "step") if q.get("step") is not None else session.dbg.tl.cursor
            if q.get("reg"):
                return session.history(n, "$" + q["reg"].lstrip("$"))
            if q.get("addr"):
                return session.history(n, f"*(int *){_int(q['addr'], 'addr'):#x}")
            if q.get("expr"):
                return session.history(n, q["expr"])
            raise WebError("history needs reg=, addr= or expr=")
        return await answer(run)

    async def pagewalk(request: Request) -> Response:
        q = request.query_params
        return await answer(lambda: session.pagewalk(_int(q.get("step"), "step"), _int(q.get("addr"), "addr")))

    async def frames(request: Request) -> Response:
        q = request.query_params
        return await answer(lambda: session.frames(_int(q.get("step"), "step")))

    async def explain(request: Request) -> Response:
        return await answer(session.explain)

    async def unknown(request: Request) -> Response:
        return JSONResponse({"error": f"no such API: {request.url.path}"}, status_code=404)

    routes = [
        Route("/", index),
        Route("/api/info", info),
        Route("/api/step/{n}", step),
        Route("/api/source", source),
        Route("/api/motion", motion),
        Route("/api/history", history),
        Route("/api/pagewalk", pagewalk),
        Route("/api/frames", frames),
        Route("/api/explain", explain),
        Route("/api/{rest:path}", unknown),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]
    middleware = [] if hosts is None else [Middleware(TrustedHostMiddleware, allowed_hosts=hosts)]
    return Starlette(routes=routes, middleware=middleware)


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else "error"


def _missing(what: str) -> Any:
    raise WebError(f"missing {what}")
