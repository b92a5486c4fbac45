"""Review-queue API (``/v1/review/...``): queue, claims, decisions, bulk, stats, history, overturns.

Reads (the queue, items, stats, history, who is logged in) run in read transactions, which on
SQLite never take the write lock: a moderator's page never waits behind incoming comments.
Every route needs a moderator or an admin: ``Authorization: Bearer <token>`` (scripts, tools) or
the web page's session cookie, which must then send its CSRF token in ``X-CSRF-Token`` on every
state-changing request. Anonymous -> 401, wrong role -> 403. ``install(app)`` adds these routes,
the web page (``moderation.api.ui``) and its error handling to the service's app.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError, OperationalError

from moderation.api.errors import ApiError, error_response
from moderation.api.json_route import SafeJSONRoute
from moderation.api.schemas import ErrorOut
from moderation.review import accounts, claims, decisions, history, items, stats
from moderation.review.accounts import Principal
from moderation.review.errors import ReviewError
from moderation.review.settings import ReviewSettings
from moderation.review.views import (
    BulkResult,
    ClaimView,
    DecisionResult,
    History,
    ItemView,
    QueuePage,
    ReasonCode,
    Stats,
)
from moderation.service.runtime import Runtime

SESSION_COOKIE = "mod_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReviewRoute(SafeJSONRoute):
    """Turns an unreachable database into a 503 (the page retries) instead of a 500; JSON
    bodies through the safe parser."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def wrapped(request: Request) -> Response:
            try:
                return await handler(request)
            except (OperationalError, DBAPIError) as exc:
                raise ApiError(503, "store_unavailable", "the store cannot be reached right now",
                               headers={"Retry-After": "5"}) from exc

        return wrapped


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no or unknown token / session"},
    403: {"model": ErrorOut, "description": "wrong role, or missing CSRF token (cookie auth)"},
}
router = APIRouter(prefix="/v1/review", tags=["review"], route_class=ReviewRoute,
                   responses=ERRORS)


# ---------------------------------------------------------------- auth


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def review_settings(request: Request) -> ReviewSettings:
    return request.app.state.review_settings


def authenticate(request: Request) -> Principal:
    """Bearer token, else session cookie (+ CSRF header on unsafe methods)."""
    rt = runtime(request)
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthorized", "use 'Authorization: Bearer <token>'",
                           headers={"WWW-Authenticate": "Bearer"})
        with rt.db.reading() as s:
            user = accounts.authenticate_token(s, token.strip())
        if user is None:
            raise ApiError(401, "unauthorized", "unknown or disabled token",
                           headers={"WWW-Authenticate": "Bearer"})
        return user
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with rt.db.reading() as s:
            found = accounts.resolve_session(s, cookie)
        if found is None:
            raise ApiError(401, "unauthorized", "session expired; log in again",
                           headers={"WWW-Authenticate": "Bearer"})
        user, csrf = found
        if request.method not in SAFE_METHODS and not accounts.same_token(
                request.headers.get(CSRF_HEADER), csrf):
            raise ApiError(403, "csrf_failed", f"missing or wrong {CSRF_HEADER} header")
        return user
    raise ApiError(401, "unauthorized", "authentication required",
                   headers={"WWW-Authenticate": "Bearer"})


def require(role: str) -> Callable[[Request], Principal]:
    def dependency(request: Request) -> Principal:
        user = authenticate(request)
        if not user.has(role):
            raise ApiError(403, "forbidden", f"this needs the {role} role")
        return user

    dependency.__name__ = f"require_{role}"
    return dependency


Moderator = Annotated[Principal, Depends(require("moderator"))]
Admin = Annotated[Principal, Depends(require("admin"))]


# ---------------------------------------------------------------- bodies


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DecisionIn(_Body):
    action: Literal["approve", "reject"]
    reason: str | None = Field(default=None, max_length=64,
                               description="a category of the comment's policy; required to "
                                           "reject, defaults to the engine's category to approve")
    note: str | None = Field(default=None, max_length=2000)


class BulkIn(DecisionIn):
    ids: list[int] = Field(min_length=1, description="submission ids")


class OverturnIn(_Body):
    action: Literal["approve", "reject"]
    reason: str | None = Field(default=None, max_length=64)
    note: str = Field(min_length=1, max_length=2000, description="why (required)")


class UserIn(_Body):
    name: str = Field(min_length=1, max_length=128)
    role: Literal["moderator", "admin"]


class UserOut(BaseModel):
    name: str
    role: str
    disabled: bool
    created_at: datetime
    token: str | None = Field(default=None, description="only in the answer that creates it")


class MeOut(BaseModel):
    name: str
    role: str


class ReleaseOut(BaseModel):
    submission_id: int
    released: bool


# ---------------------------------------------------------------- routes


def _codes(rt: Runtime) -> items.CodesFor:
    return decisions.reason_codes(rt.registry)


@router.get("/me", response_model=MeOut, summary="Who the token or session belongs to")
def me(user: Moderator) -> MeOut:
    return MeOut(name=user.name, role=user.role)


@router.get("/queue", response_model=QueuePage, summary="Comments waiting for a person")
def queue(
    request: Request,
    user: Moderator,
    site: str | None = None,
    category: str | None = Query(default=None, pattern=r"^[a-z][a-z0-9_]*$"),
    min_age_s: float | None = Query(default=None, ge=0, description="received at least this "
                                                                    "long ago"),
    max_age_s: float | None = Query(default=None, ge=0, description="received at most this "
                                                                    "long ago"),
    order: Literal["oldest", "score"] = "oldest",
    available: bool = Query(default=False, description="hide comments others have claimed"),
    limit: int = Query(default=50, ge=1, le=200),
    offset: int = Query(default=0, ge=0),
) -> QueuePage:
    rt = runtime(request)
    f = items.QueueFilter(site=site, category=category, min_age_s=min_age_s,
                          max_age_s=max_age_s, available=available, order=order, limit=limit,
                          offset=offset)
    codes = _codes(rt)
    with rt.db.reading() as s:
        return items.list_queue(s, f, user.id, codes)


@router.get("/items/{submission_id}", response_model=ItemView,
            responses={404: {"model": ErrorOut}}, summary="One comment with its engine decision")
def get_item(submission_id: int, request: Request, user: Moderator) -> ItemView:
    rt = runtime(request)
    codes = _codes(rt)
    with rt.db.reading() as s:
        item = items.get_item(s, submission_id, user.id, codes)
    if item is None:
        raise ApiError(404, "not_found", "no such item")
    return item


@router.post("/items/{submission_id}/claim", response_model=ClaimView,
             responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
             summary="Take (or renew) the lease on a comment")
def claim(submission_id: int, request: Request, user: Moderator) -> ClaimView:
    rt = runtime(request)
    with rt.db.session() as s:
        return claims.claim(s, submission_id, user, review_settings(request).lease_s)


@router.post("/items/{submission_id}/release", response_model=ReleaseOut,
             responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
             summary="Give a claimed comment back to the queue")
def release(submission_id: int, request: Request, user: Moderator) -> ReleaseOut:
    rt = runtime(request)
    with rt.db.session() as s:
        return ReleaseOut(submission_id=submission_id,
                          released=claims.release(s, submission_id, user))


@router.post("/items/{submission_id}/decision", response_model=DecisionResult,
             responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut},
                        422: {"model": ErrorOut}},
             summary="Approve or reject (final; the CMS is called back)")
def decide(submission_id: int, body: DecisionIn, request: Request,
           user: Moderator) -> DecisionResult:
    return decisions.run(runtime(request), decisions.decide, submission_id, user, body.action,
                         body.reason, body.note)


@router.post("/decisions/bulk", response_model=BulkResult,
             responses={422: {"model": ErrorOut}},
             summary="Approve or reject several comments (each one independently)")
def bulk(body: BulkIn, request: Request, user: Moderator) -> BulkResult:
    limit = review_settings(request).bulk_max
    ids = list(dict.fromkeys(body.ids))  # a repeated id is one decision
    if len(ids) > limit:
        raise ApiError(422, "invalid_request", f"at most {limit} ids per request", "ids")
    results = decisions.decide_many(runtime(request), ids, user, body.action, body.reason,
                                    body.note)
    ok = sum(r.ok for r in results)
    return BulkResult(decided=ok, failed=len(results) - ok, results=results)


@router.post("/items/{submission_id}/overturn", response_model=DecisionResult,
             responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut},
                        422: {"model": ErrorOut}},
             summary="Admin: replace a final decision (audited; the CMS is called back)")
def overturn(submission_id: int, body: OverturnIn, request: Request,
             user: Admin) -> DecisionResult:
    return decisions.run(runtime(request), decisions.overturn, submission_id, user,
                         body.action, body.reason, body.note)


@router.get("/stats", response_model=Stats, summary="Queue size, oldest age, decisions per day")
def queue_stats(request: Request, user: Moderator,
                days: int = Query(default=7, ge=1, le=stats.MAX_DAYS)) -> Stats:
    with runtime(request).db.reading() as s:
        return stats.stats(s, user, days)


@router.get("/items/{submission_id}/history", response_model=History,
            responses={404: {"model": ErrorOut}}, summary="Everything that happened to a comment")
def item_history(submission_id: int, request: Request, user: Moderator) -> History:
    rt = runtime(request)
    codes = _codes(rt)
    with rt.db.reading() as s:
        return history.history(s, submission_id, user.id, codes)


@router.get("/comments/{site_id}/{comment_id}/history", response_model=History,
            responses={404: {"model": ErrorOut}},
            summary="History of a comment by the CMS's ids")
def comment_history(site_id: str, comment_id: str, request: Request,
                    user: Moderator) -> History:
    rt = runtime(request)
    codes = _codes(rt)
    with rt.db.reading() as s:
        return history.history(s, history.find(s, site_id, comment_id), user.id, codes)


@router.get("/reasons/{policy_id}", response_model=list[ReasonCode],
            summary="Reason codes (the policy's categories)")
def reasons(policy_id: str, request: Request, user: Moderator) -> list[ReasonCode]:
    codes = _codes(runtime(request))(policy_id)
    if not codes:
        raise ApiError(404, "not_found", "unknown policy")
    return codes


@router.get("/users", response_model=list[UserOut], summary="Admin: list accounts")
def users(request: Request, user: Admin) -> list[UserOut]:
    with runtime(request).db.reading() as s:
        return [UserOut(name=u.name, role=u.role, disabled=u.disabled, created_at=u.created_at)
                for u in accounts.list_users(s)]


@router.post("/users", response_model=UserOut, status_code=201,
             responses={409: {"model": ErrorOut}, 422: {"model": ErrorOut}},
             summary="Admin: create an account (the token is shown once)")
def add_user(body: UserIn, request: Request, user: Admin) -> UserOut:
    with runtime(request).db.session() as s:
        u, token = accounts.add_user(s, body.name, body.role, actor=user.actor)
        return UserOut(name=u.name, role=u.role, disabled=u.disabled, created_at=u.created_at,
                       token=token)


# ---------------------------------------------------------------- wiring


def install(app: FastAPI, settings: ReviewSettings | None = None) -> None:
    """Add the review API, the web page and their error handling to the service app."""
    from moderation.api import ui

    app.state.review_settings = settings or ReviewSettings.from_env()

    @app.exception_handler(ReviewError)
    async def _review_error(_: Request, exc: ReviewError) -> Response:
        return error_response(exc.status, exc.code, exc.reason, exc.field, **exc.extra)

    app.include_router(router)
    ui.install(app)
