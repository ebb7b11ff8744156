"""The admin page at ``/admin``: limits per segment with their history, approvals, the audit
log and a dashboard. The page is static HTML and JavaScript that uses the JSON API, so
every figure and change goes through the same role checks; the page itself is refused to
a signed-in agent (403) and offers the sign-in form to someone not signed in."""

from __future__ import annotations

from aiohttp import web

from bot.web.auth import current_user, has_role
from bot.web.webchat import STATIC

routes = web.RouteTableDef()


def _page(name: str, status: int = 200) -> web.Response:
    return web.Response(
        body=STATIC.joinpath(name).read_bytes(),
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers={"Cache-Control": "no-store"},
    )


@routes.get("/admin")
async def admin_page(request: web.Request) -> web.Response:
    user = await current_user(request)
    if user is not None and not has_role(user, "admin"):
        return _page("admin-forbidden.html", status=403)
    return _page("admin.html")


def setup(app: web.Application) -> None:
    app.add_routes(routes)
