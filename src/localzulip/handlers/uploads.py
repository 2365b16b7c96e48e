"""File uploads: POST /user_uploads, temporary URLs and authenticated downloads."""

from __future__ import annotations

import re
import secrets

from aiohttp import web

from localzulip.app import API, Ctx, Reply, route
from localzulip.errors import ApiError
from localzulip.models import JSON, Upload


def sanitize(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = re.sub(r"\s+", "-", name)
    name = re.sub(r"[^A-Za-z0-9._-]", "", name)
    return name or "uploaded-file"


@route("POST", f"{API}/user_uploads", "upload-file")
async def upload_file(ctx: Ctx) -> JSON:
    if not ctx.files:
        raise ApiError("You must specify a file to upload")
    if len(ctx.files) > 1:
        raise ApiError("You may only upload one file at a time")
    field = ctx.files[0]
    data = field.file.read()
    limit = ctx.core.config.max_upload_bytes
    if len(data) > limit:
        raise ApiError(
            f"Uploaded file is larger than the allowed limit of {limit // (1024 * 1024)} MiB"
        )
    realm = ctx.core.realm
    token = secrets.token_urlsafe(18)[:24]
    path = (
        f"/user_uploads/{realm.settings.realm_id}/{secrets.token_hex(1)}/{token}/"
        f"{sanitize(field.filename or 'file')}"
    )
    realm.uploads[path] = Upload(
        path=path,
        owner_id=ctx.me.user_id,
        filename=field.filename or "file",
        content_type=field.content_type or "application/octet-stream",
        data=data,
    )
    body: JSON = {"uri": path}
    if ctx.core.config.upload_response_url:
        body["url"] = path
    return body


@route(
    "GET",
    API + r"/user_uploads/{realm_id_str:\d+}/{filename:.+}",
    "get-file-temporary-url",
    rate_limited=False,
)
async def temporary_url(ctx: Ctx) -> Reply:
    path = f"/user_uploads/{ctx.params.path['realm_id_str']}/{ctx.params.path['filename']}"
    upload = ctx.core.realm.uploads.get(path)
    if upload is None:
        raise ApiError("Invalid upload ID", status=404)
    token = secrets.token_hex(32)
    ctx.core.temporary_urls[token] = path
    name = path.rsplit("/", 1)[-1]
    return Reply({"url": f"/user_uploads/temporary/{token}/{name}"}, ratelimit_headers=False)


@route("GET", r"/user_uploads/temporary/{token}/{name}", None, name="x-temporary-file", auth=False)
async def temporary_file(ctx: Ctx) -> web.StreamResponse:
    path = ctx.core.temporary_urls.get(ctx.params.path["token"])
    upload = ctx.core.realm.uploads.get(path or "")
    if upload is None:
        raise ApiError("File not found", status=404)
    return web.Response(body=upload.data, content_type=upload.content_type)


@route(
    "GET",
    r"/user_uploads/{realm_id_str:\d+}/{filename:.+}",
    None,
    name="x-file",
    rate_limited=False,
)
async def download(ctx: Ctx) -> web.StreamResponse:
    path = f"/user_uploads/{ctx.params.path['realm_id_str']}/{ctx.params.path['filename']}"
    upload = ctx.core.realm.uploads.get(path)
    if upload is None:
        raise ApiError("File not found", status=404)
    return web.Response(body=upload.data, content_type=upload.content_type)
