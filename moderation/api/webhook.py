"""``POST /v1/comments``: the CMS webhook. Authenticate, validate, store, enqueue, answer.

Order matters: nothing is acknowledged with a 2xx before the comment is committed to the store;
if the store fails the answer is 503 (the CMS retries, idempotently). An enqueue failure after
the commit still answers 202: the comment is kept, and the sweeper enqueues it again.
With ``?wait`` the comment is stored leased to the request and decided here (``decide_and_store``):
the answer is the stored decision, the callback is left to the queue.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from moderation import safe_json
from moderation.api.errors import (
    ApiError,
    api_error_response,
    internal_error_response,
    loc_to_field,
)
from moderation.api.schemas import CommentIn, ErrorOut, SubmissionOut
from moderation.api.sites_cache import SiteInfo
from moderation.api.status import load_state, render, submission_out
from moderation.service import metrics, signing
from moderation.service.runtime import Runtime
from moderation.store import batches
from moderation.store import repository as repo

log = logging.getLogger(__name__)
router = APIRouter(tags=["comments"])

PATH = "/v1/comments"
WAIT_POLL_S = 0.25


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refused with 413 as soon as it is known to exceed ``limit`` bytes (from
    Content-Length, else while it streams in): an oversized body is never held in memory."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "body_too_large", f"body is {int(declared)} bytes; at most "
                       f"{limit} accepted", "body")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "body_too_large", f"body is over {limit} bytes; at most "
                           f"{limit} accepted", "body")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_body(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, through the shared safe parser (422 with the reason)."""
    try:
        return safe_json.loads_object(raw)
    except safe_json.BodyError as exc:
        raise ApiError(422, "invalid_body", exc.reason, "body") from None


def check_storable(value: Any, path: str) -> None:
    """Every string must be storable as UTF-8 text on every backend: no lone surrogates, no NUL."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ApiError(
                422, "invalid_text",
                f"contains an unpaired surrogate (U+{ord(value[exc.start]):04X}) at index "
                f"{exc.start}: it is not valid Unicode text and cannot be stored as UTF-8",
                path or "body") from None
        if "\x00" in value:
            raise ApiError(422, "invalid_text",
                           f"contains U+0000 (NUL) at index {value.index(chr(0))}, "
                           "which cannot be stored", path or "body")
    elif isinstance(value, dict):
        for k, v in value.items():
            check_storable(k, path or "body")
            check_storable(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            check_storable(v, f"{path}.{i}")


def validate(data: dict[str, Any]) -> CommentIn:
    try:
        return CommentIn.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ApiError(422, "invalid_body", first["msg"], loc_to_field(first["loc"])) from None


def submission_fields(c: CommentIn) -> dict[str, Any]:
    return {
        "site_id": c.site_id,
        "comment_id": c.comment_id,
        "text": c.text,
        "article": c.article.model_dump(exclude_none=True),
        "author_id": c.author.id,
        "parent_id": c.parent_id,
        "submitted_at": c.submitted_at,
    }


@router.post(
    PATH,
    status_code=202,
    response_model=SubmissionOut,
    responses={
        200: {"model": SubmissionOut, "description": "Decided (with ?wait, or a repeat)"},
        401: {"model": ErrorOut, "description": "Bad, missing or stale signature"},
        404: {"model": ErrorOut, "description": "Unknown site"},
        413: {"model": ErrorOut, "description": "Text over the policy's limit, or body too big"},
        422: {"model": ErrorOut, "description": "Invalid body: field and reason"},
        503: {"model": ErrorOut, "description": "Not stored: retry later"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CommentIn"}}},
        },
        "parameters": [{
            "name": signing.HEADER, "in": "header", "required": True,
            "schema": {"type": "string"},
            "description": "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<raw body>\")>",
        }, {
            "name": "wait", "in": "query", "required": False,
            "schema": {"type": "integer", "minimum": 0, "default": 0},
            "description": "Wait up to this many ms for the decision (capped)",
        }],
    },
    summary="Submit a comment for moderation (signed webhook)",
)
async def post_comment(request: Request) -> JSONResponse:
    t0 = time.perf_counter()
    wait = 0
    try:
        wait = wait_param(request.query_params.get("wait"))
        response = await _handle(request, wait)
    except ApiError as exc:
        metrics.WEBHOOKS.labels(str(exc.status)).inc()
        raise
    metrics.WEBHOOKS.labels(str(response.status_code)).inc()
    metrics.WEBHOOK_ACK.labels("yes" if wait else "no").observe(time.perf_counter() - t0)
    return response


async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
    """``POST /v1/comments`` as a bare ASGI call (``app.ModerationAPI`` routes it here): the
    same handler and answers as the FastAPI route, without the routing and middleware layers
    between the server and the handler (about a tenth of the webhook's CPU, profiled)."""
    request = Request(scope, receive)
    try:
        response = await post_comment(request)
    except ApiError as exc:
        response = api_error_response(exc)
    except ClientDisconnect:
        return  # nobody to answer; nothing was stored for a body that did not arrive
    except Exception:
        log.exception("unhandled error on POST /v1/comments")
        response = internal_error_response()
    await response(scope, receive, send)


def wait_param(raw: str | None) -> int:
    """``?wait=MS``, parsed by hand: FastAPI's dependency machinery for one query parameter
    cost about a tenth of the webhook's CPU (profiled)."""
    if raw is None or raw == "":
        return 0
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(422, "invalid_request", "Input should be a valid integer, unable to "
                       "parse string as an integer", "wait") from None
    if value < 0:
        raise ApiError(422, "invalid_request", "Input should be greater than or equal to 0",
                       "wait")
    return value


async def _handle(request: Request, wait: int) -> JSONResponse:
    rt: Runtime = request.app.state.runtime
    st = rt.settings
    raw = await read_body(request, st.max_body_bytes)
    # The signature is checked on the raw bytes before the body is parsed: the site (whose
    # secrets sign it) is read from the raw bytes by a flat scan, not by the JSON parser.
    site_id = safe_json.top_level_string(raw, "site_id")
    if not site_id:
        parse_body(raw)  # a malformed body: say what is wrong with it (safe to parse)
        raise ApiError(422, "invalid_body", "site_id is required (a non-empty string)", "site_id")
    check_storable(site_id, "site_id")
    try:
        site: SiteInfo | None = await request.app.state.sites.get(site_id)
    except Exception as exc:
        raise ApiError(503, "store_unavailable", "the store cannot be reached; retry later",
                       headers={"Retry-After": "5"}) from exc
    if site is None:
        raise ApiError(404, "unknown_site", f"site {site_id!r} is not registered", "site_id")
    try:
        signing.verify(request.headers.get(signing.HEADER), raw, site.secrets,
                       tolerance_s=st.signature_tolerance_s)
    except signing.SignatureError as exc:
        raise ApiError(401, "bad_signature", str(exc)) from None
    data = parse_body(raw)
    if data.get("site_id") != site_id:  # the flat scan and the parser must read the same site
        raise ApiError(422, "invalid_body", "site_id is ambiguous in this body", "site_id")
    check_storable(data, "")
    comment = validate(data)
    if not comment.text.strip():
        raise ApiError(422, "empty_text", "text is empty (or only white space): nothing to "
                       "moderate", "text")
    if len(comment.text) > site.max_length:
        raise ApiError(413, "text_too_long",
                       f"text is {len(comment.text)} characters; the policy "
                       f"{site.policy_id!r} accepts at most {site.max_length}", "text",
                       length=len(comment.text), limit=site.max_length)

    wait_ms = min(wait, st.wait_max_ms)
    fields = submission_fields(comment)
    try:
        if wait_ms:  # leased to this request: it decides the comment itself (see below)
            sub, created = await asyncio.get_running_loop().run_in_executor(
                rt.io_pool(), functools.partial(repo.record_submission, rt.db, fields,
                                                lease_s=float(st.job_timeout_s)))
        else:
            sub, created = await asyncio.get_running_loop().run_in_executor(
                rt.io_pool(), _store_and_enqueue, rt, fields)
    except Exception as exc:
        log.warning("webhook not stored (503): %s", type(exc).__name__)
        raise ApiError(503, "store_unavailable", "the comment could not be stored; retry later",
                       headers={"Retry-After": "5"}) from exc

    deadline = time.monotonic() + wait_ms / 1000
    row = None
    if wait_ms and created:
        decided = await _decide_here(rt, site, sub, deadline)
        if decided is not None:
            return render(submission_out(*decided))
    waiter = request.app.state.waiters.register(sub.id) if wait_ms and sub.status == "queued" \
        else None
    try:
        if waiter is not None:
            sub, row = await _wait_for_decision(rt, sub.id, waiter, deadline)
        elif sub.status != "queued":
            sub, row = await run_in_threadpool(load_state, rt, sub.id)
    finally:
        if waiter is not None:
            request.app.state.waiters.unregister(sub.id, waiter)
    return render(submission_out(sub, row, duplicate=not created))


def _store_and_enqueue(rt: Runtime, fields: dict[str, Any]) -> tuple[Any, bool]:
    """Store (committed), then enqueue: one thread hop for the webhook's whole blocking part.
    An enqueue failure after the commit is logged and left to the sweeper."""
    sub, created = repo.record_submission(rt.db, fields)
    if created:
        _enqueue(rt, sub.id)
    return sub, created


def _enqueue(rt: Runtime, submission_id: int) -> None:
    try:
        rt.dispatcher.enqueue_moderation([submission_id])
    except Exception as exc:  # stored already: the sweeper will enqueue it again
        metrics.ENQUEUE_ERRORS.inc()
        log.warning("enqueue of submission %s failed, left to the sweeper: %s",
                    submission_id, exc)


async def _decide_here(rt: Runtime, site: SiteInfo, sub: Any,
                       deadline: float) -> tuple[Any, Any] | None:
    """``?wait``: decide in this process (the engine takes about a millisecond) and answer with
    the stored decision. None when the wait ran out first (the decision is still stored when
    it is ready; the answer is 202) or deciding failed (a worker takes over; we wait for it)."""
    task = asyncio.get_running_loop().run_in_executor(rt.io_pool(), decide_and_store, rt, site,
                                                      sub)
    try:
        return await asyncio.wait_for(asyncio.shield(task), max(deadline - time.monotonic(), 0))
    except TimeoutError:
        task.add_done_callback(_log_failure)
        return None
    except Exception as exc:
        log.warning("deciding submission %s in the API failed, left to a worker: %s",
                    sub.id, exc)
        return None


def _log_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("late decision in the API failed, left to a worker: %s", task.exception())


def decide_and_store(rt: Runtime, site: SiteInfo, sub: Any) -> tuple[Any, Any]:
    """Decide a submission this process holds the lease of, store the decision (one
    transaction) and return (submission, stored decision). The callback is left to the queue.

    Exactly one decision wins: if a worker decided it meanwhile (the lease expired), the unique
    constraint keeps the worker's, and this returns what the store holds. If deciding raises,
    the lease is released and a worker is asked to take the submission.
    """
    from moderation.service import callbacks, processing

    t0 = time.perf_counter()
    try:
        decision = processing.decide(rt, site, sub)  # type: ignore[arg-type]
    except Exception:
        with rt.db.session() as s:
            repo.release_submission(s, sub.id)
        _enqueue(rt, sub.id)
        raise
    saved = batches.save_engine_decision(
        rt.db, sub, decision, callback_url=site.callback_url,
        callback_body=lambda row: callbacks.build_body(sub, row),
        delivery_lease_s=0.0,  # claimable at once by whoever sends callbacks
    )
    rt.notifier.publish(sub.id)  # duplicates of this comment may be waiting elsewhere
    if saved.delivery_id is not None and saved.created:
        try:
            if rt.dispatcher.mode == "inline":
                rt.dispatcher.enqueue_delivery([saved.delivery_id])
            else:
                rt.dispatcher.kick()  # a drain job sends due callbacks
        except Exception as exc:  # stored as due: the sweeper sends it
            log.warning("callback %s not enqueued, left to the sweeper: %s",
                        saved.delivery_id, exc)
    if not saved.created:
        return load_state(rt, sub.id)
    metrics.observe_decision(saved.row, time.perf_counter() - t0)
    sub.status = "decided" if decision.final else "in_review"
    sub.decided_at = saved.row.decided_at
    sub.lease_until = None
    return sub, saved.row


async def _wait_for_decision(rt: Runtime, submission_id: int, waiter: asyncio.Event,
                             deadline: float) -> tuple[Any, Any]:
    while True:
        remaining = deadline - time.monotonic()
        if remaining > 0:
            try:
                await asyncio.wait_for(waiter.wait(), min(remaining, WAIT_POLL_S))
            except TimeoutError:
                pass
        sub, row = await run_in_threadpool(load_state, rt, submission_id)
        if sub.status != "queued" or time.monotonic() >= deadline:
            return sub, row
        waiter.clear()
