"""Share pages: GET /c/<clip_id>, a public HTML page per clip for link previews.

Messengers and social apps read its Open Graph and Twitter card tags (title, the poster,
the video as a short-lived signed URL); a person is sent on to the viewer app's clip
route (/viewer/#/clip/<id>). No token: a shared link is opened by anyone. Every value
is HTML-escaped; an unknown clip gets a 404 page, a taken-down one 410. docs/social.md.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from liveclips.adapters import playback_urls, rate_limits, spanner_feed
from liveclips.adapters.config import settings
from liveclips.adapters.social_config import social_settings
from liveclips.api.auth import client_address

router = APIRouter(tags=["share pages"])
_CLIP_ID = re.compile(r"[A-Za-z0-9_-]{1,36}")
_HTML = {"content": {"text/html": {"schema": {"type": "string"}}}}
_PAGES: dict[int | str, dict[str, Any]] = {
    404: {**_HTML, "description": "No such clip (also a malformed id): a page saying so"},
    410: {**_HTML, "description": "The clip was taken down: a page saying so"},
    429: {**_HTML, "description": "Too many requests from this address"},
}
SITE_NAME = "liveclips"


def viewer_link(request: Request, clip_id: str) -> str:
    base = social_settings().viewer_app_url or f"{str(request.base_url).rstrip('/')}/viewer/"
    return f"{base}#/clip/{clip_id}"


def _page(title: str, meta: list[tuple[str, str, str]], link: str | None, text: str) -> str:
    e = html.escape
    tags = "\n".join(
        f'  <meta {attr}="{e(name)}" content="{e(value)}">' for attr, name, value in meta
    )
    go = ""
    if link is not None:
        go = f'<p><a href="{e(link)}">Watch on {SITE_NAME}</a></p>'
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n'
        '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"  <title>{e(title)}</title>\n{tags}\n"
        f"{_redirect_script(link) if link else ''}"
        f"</head>\n<body>\n<h1>{e(title)}</h1>\n<p>{e(text)}</p>\n{go}\n</body>\n</html>\n"
    )


def _redirect_source(link: str) -> str:
    # json.dumps quotes the URL as a JS string; "</" cannot close the script early.
    quoted = json.dumps(link).replace("</", "<\\/")
    return f"location.replace({quoted});"


def _redirect_script(link: str) -> str:
    return f"  <script>{_redirect_source(link)}</script>\n"


def _headers(link: str | None) -> dict[str, str]:
    scripts = "'none'"
    if link is not None:
        digest = hashlib.sha256(_redirect_source(link).encode()).digest()
        scripts = f"'sha256-{base64.b64encode(digest).decode()}'"
    return {
        "Content-Security-Policy": f"default-src 'none'; script-src {scripts};"
        " img-src https: http:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }


def _not_found(clip_id: str, status: int) -> HTMLResponse:
    text = "This clip was removed." if status == 410 else "There is no such clip."
    body = _page(f"{SITE_NAME}: clip not found", [("name", "robots", "noindex")], None, text)
    return HTMLResponse(body, status_code=status, headers=_headers(None))


def share_tags(item: dict[str, Any], link: str, now: float) -> list[tuple[str, str, str]]:
    """The Open Graph and Twitter card tags of one visible clip."""
    ttl = social_settings().share_url_ttl_s
    title = item.get("title") or f"A clip on {SITE_NAME}"
    description = " ".join(f"#{t}" for t in item.get("tags") or []) or f"Watch it on {SITE_NAME}"
    meta = [
        ("property", "og:site_name", SITE_NAME),
        ("property", "og:type", "video.other"),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", link),
    ]
    poster = item.get("poster_key")
    if poster:
        image = playback_urls.signed_url(item["bucket"], poster, now=now, ttl=ttl)
        meta.append(("property", "og:image", image))
    if item.get("rendition") == "rendered":  # an MP4; an instant clip is a playlist
        video = playback_urls.signed_url(item["bucket"], item["key"], now=now, ttl=ttl)
        meta += [
            ("property", "og:video", video),
            ("property", "og:video:secure_url", video),
            ("property", "og:video:type", "video/mp4"),
        ]
        if item.get("width") and item.get("height"):
            meta += [("property", "og:video:width", str(item["width"])),
                     ("property", "og:video:height", str(item["height"]))]  # fmt: skip
    meta += [
        (
            "name",
            "twitter:card",
            "player" if item.get("rendition") == "rendered" else "summary_large_image",
        ),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
    ]
    if poster:
        meta.append(("name", "twitter:image", next(v for _, n, v in meta if n == "og:image")))
    return meta


@router.get("/c/{clip_id}", response_class=HTMLResponse, responses=_PAGES)
async def share_page(clip_id: str, request: Request) -> HTMLResponse:
    """The clip's public page: link-preview tags and a way into the viewer app. Every
    answer is a page (a malformed id too: a person followed a link)."""
    config = settings()
    by_address = rate_limits.Limit(f"ip:{client_address(request)}", config.rate_ip_per_s,
                                   config.rate_ip_burst)  # fmt: skip
    wait_s = await run_in_threadpool(rate_limits.retry_after_s, by_address)
    if wait_s > 0:
        return HTMLResponse("<!doctype html><title>Too many requests</title>", status_code=429,
                            headers={"Retry-After": str(max(1, round(wait_s + 0.5)))})  # fmt: skip
    if not _CLIP_ID.fullmatch(clip_id):
        return _not_found(clip_id, 404)
    found = await run_in_threadpool(spanner_feed.clip, clip_id)
    if found is None or not found.visible:
        return _not_found(clip_id, 404)
    if found.hidden_at is not None:
        return _not_found(clip_id, 410)
    link = viewer_link(request, clip_id)
    meta = share_tags(found.item, link, time.time())
    title = found.item.get("title") or f"A clip on {SITE_NAME}"
    headers = {**_headers(link), "Cache-Control": "public, max-age=60"}
    return HTMLResponse(_page(title, meta, link, "Opening the clip…"), headers=headers)
