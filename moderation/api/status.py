"""``GET /v1/comments/{site_id}/{comment_id}``: where a comment is, and its decision.

The answer holds the comment's text and the evidence the decision quotes from it (the phone
number, the e-mail address a promotion was rejected for), and CMS comment ids are often
sequential: a read must be signed with the site's secret like the webhook, over
``"<t>.GET <path>"`` (``signing.request_payload``). Unsigned or wrongly signed: 401.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from moderation.api.errors import ApiError
from moderation.api.schemas import DecisionOut, ErrorOut, SubmissionOut
from moderation.api.sites_cache import SiteInfo
from moderation.service import signing
from moderation.service.runtime import Runtime
from moderation.store import repository as repo
from moderation.store.schema import DecisionRow, Submission

router = APIRouter(tags=["comments"])


def status_url(site_id: str, comment_id: str) -> str:
    return f"/v1/comments/{quote(site_id, safe='')}/{quote(comment_id, safe='')}"


def decision_out(row: DecisionRow) -> DecisionOut:
    return DecisionOut(
        action=row.action, final=row.final, categories=row.categories, reasons=row.reasons,
        scores=row.scores, policy_id=row.policy_id, policy_version=row.policy_version,
        engine_version=row.engine_version, scorer=row.scorer, decided_at=row.decided_at,
        engine_ms=row.engine_ms, queue_ms=row.queue_ms,
    )


def submission_out(sub: Submission, row: DecisionRow | None, *, duplicate: bool = False,
                   with_text: bool = False) -> SubmissionOut:
    return SubmissionOut(
        site_id=sub.site_id, comment_id=sub.comment_id, submission_id=sub.id, status=sub.status,
        status_url=status_url(sub.site_id, sub.comment_id), received_at=sub.received_at,
        text_sha256=sub.text_sha256, duplicate=duplicate,
        decision=decision_out(row) if row is not None else None,
        text=sub.text if with_text else None,
    )


def load_state(rt: Runtime, submission_id: int) -> tuple[Submission, DecisionRow | None]:
    with rt.db.reading() as s:
        sub = s.get(Submission, submission_id)
        assert sub is not None
        row = repo.current_decision(s, sub.id) if sub.status != "queued" else None
        return sub, row


def render(out: SubmissionOut, status_code: int | None = None) -> JSONResponse:
    code = status_code or (202 if out.status == "queued" else 200)
    body = out.model_dump(mode="json")
    if body.get("text") is None:
        body.pop("text", None)
    return JSONResponse(body, status_code=code)


def signed_paths(request: Request) -> list[str]:
    """The spellings of this request's path a CMS may have signed: as received (percent-encoded,
    no query string), and relative to the service's root path when it runs behind a prefix
    (``status_url`` is relative to it)."""
    scope = request.scope
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(scope["path"], safe="/%")
    root = scope.get("root_path", "")
    out = [path]
    if root and path.startswith(root + "/"):
        out.append(path[len(root):])
    elif root:
        out.append(root + path)
    return out


async def authorize_read(request: Request, site_id: str) -> None:
    """404 for an unknown site, 401 unless the request is signed with one of its secrets."""
    rt: Runtime = request.app.state.runtime
    try:
        site: SiteInfo | None = await request.app.state.sites.get(site_id)
    except Exception as exc:
        raise ApiError(503, "store_unavailable", "the store cannot be read right now") from exc
    if site is None:
        raise ApiError(404, "unknown_site", f"site {site_id!r} is not registered", "site_id")
    try:
        signing.verify_request(request.headers.get(signing.HEADER), request.method,
                               signed_paths(request), site.secrets,
                               tolerance_s=rt.settings.signature_tolerance_s)
    except signing.SignatureError as exc:
        raise ApiError(401, "bad_signature", str(exc)) from None


@router.get(
    "/v1/comments/{site_id}/{comment_id}",
    response_model=SubmissionOut,
    responses={401: {"model": ErrorOut, "description": "Bad, missing or stale signature"},
               404: {"model": ErrorOut}, 503: {"model": ErrorOut}},
    openapi_extra={"parameters": [{
        "name": signing.HEADER, "in": "header", "required": True,
        "schema": {"type": "string"},
        "description": "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.GET <path>\")>, "
                       "path as sent, percent-encoded, without the query string",
    }]},
    summary="Status and decision of a comment (signed read)",
)
async def get_comment(site_id: str, comment_id: str, request: Request) -> JSONResponse:
    rt: Runtime = request.app.state.runtime
    await authorize_read(request, site_id)

    def _load() -> SubmissionOut | None:
        with rt.db.reading() as s:
            sub = repo.get_submission(s, site_id, comment_id)
            if sub is None:
                return None
            row = repo.current_decision(s, sub.id)
            return submission_out(sub, row, with_text=True)

    try:
        out = await run_in_threadpool(_load)
    except Exception as exc:
        raise ApiError(503, "store_unavailable", "the store cannot be read right now") from exc
    if out is None:
        raise ApiError(404, "not_found", "no such comment for this site")
    resp = render(out, 200)
    resp.headers["Cache-Control"] = "no-store"  # personal data: no shared cache keeps it
    return resp
