"""Admin API for policies: read the live version and its history, apply an edit, backtest one.

* ``GET /v1/policies/{id}`` — the live version (info, YAML, files), any moderator.
* ``GET /v1/policies/{id}/versions`` — the history, newest first.
* ``PUT /v1/policies/{id}`` — admin: validate, store and make live (422 with every problem when
  refused; the previous version stays live). Body: JSON ``{"yaml", "files"?, "message"?}`` or
  the YAML itself (``Content-Type: application/yaml``; message in ``X-Policy-Message``).
* ``POST /v1/policies/{id}/backtest`` — admin: what the candidate would change, as JSON (the
  same figures as ``moderation policy backtest``).

Authentication is the review queue's (``Authorization: Bearer <token>`` of a review user; admin
role for changes).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from moderation import safe_json
from moderation.api.errors import ApiError, loc_to_field
from moderation.api.json_route import SafeJSONRoute
from moderation.api.review import Admin, Moderator
from moderation.errors import ModerationError, PolicyError
from moderation.service.runtime import Runtime

router = APIRouter(prefix="/v1/policies", tags=["policies"], route_class=SafeJSONRoute)
MAX_POLICY_BYTES = 5_000_000


class PolicyUpload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    yaml: str = Field(description="The policy YAML")
    files: dict[str, str] = Field(default_factory=dict,
                                  description="Word lists (or bases) by relative path, when not "
                                  "already in the server's policies directory")
    message: str = Field(default="", max_length=2000)


class BacktestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    yaml: str | None = Field(default=None, description="Candidate YAML (default: live version)")
    files: dict[str, str] = Field(default_factory=dict)
    against: str | None = Field(default=None, description="id@seq to compare with (default: live)")
    last: int | None = Field(default=1000, ge=0, le=100_000)
    since: datetime | None = None
    until: datetime | None = None
    sites: list[str] = Field(default_factory=list)
    labels: list[dict[str, str]] = Field(
        default_factory=list, description='Labelled comments: [{"text": ..., "label": ...}]')
    scorer: str | None = Field(default=None, description="none for rules only (default: the "
                               "service's scorer)")


def _rt(request: Request) -> Runtime:
    return request.app.state.runtime


def _invalid(exc: PolicyError) -> ApiError:
    return ApiError(422, "invalid_policy", f"policy refused ({len(exc.problems)} problem(s)); "
                    "the live version is unchanged", problems=exc.problems)


@router.get("/{policy_id}", summary="The live version of a policy")
async def get_policy(policy_id: str, request: Request,
                     _user: Moderator) -> dict[str, Any]:
    from moderation.policy.versions import live_version

    def load() -> Any:
        with _rt(request).db.reading() as s:
            return live_version(s, policy_id)

    row = await run_in_threadpool(load)
    if row is None:
        raise ApiError(404, "unknown_policy", f"policy {policy_id!r} has no stored version")
    return {"policy_id": row.policy_id, "seq": row.seq, "version": row.version,
            "author": row.author, "message": row.message, "extends": row.extends,
            "created_at": row.created_at.isoformat(),
            "yaml": row.bundle["files"][row.bundle["root"]],
            "files": sorted(k for k in row.bundle["files"] if k != row.bundle["root"])}


@router.get("/{policy_id}/versions", summary="Stored versions of a policy, newest first")
async def get_versions(policy_id: str, request: Request, _user: Moderator,
                       limit: int = 100) -> dict[str, Any]:
    from moderation.policy.versions import history

    def load() -> list[Any]:
        with _rt(request).db.reading() as s:
            return history(s, policy_id, min(max(limit, 1), 1000))

    rows = await run_in_threadpool(load)
    return {"policy_id": policy_id, "versions": [r.as_dict() for r in rows]}


async def _upload(request: Request) -> PolicyUpload:
    raw = await request.body()
    if len(raw) > MAX_POLICY_BYTES:
        raise ApiError(413, "body_too_large", f"at most {MAX_POLICY_BYTES} bytes")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(422, "invalid_body", "body is not UTF-8", "body") from None
    if ctype in ("application/yaml", "application/x-yaml", "text/yaml", "text/plain"):
        return PolicyUpload(yaml=text, message=request.headers.get("x-policy-message", ""))
    try:
        return PolicyUpload.model_validate(safe_json.loads_object(raw))
    except safe_json.BodyError as exc:
        raise ApiError(422, "invalid_body", f"expected JSON {{yaml, files?, message?}} or a "
                       f"YAML body: {exc.reason}", "body") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ApiError(422, "invalid_body", f"expected JSON {{yaml, files?, message?}} or a "
                       f"YAML body: {first['msg']}", loc_to_field(first["loc"])) from None


@router.put("/{policy_id}", summary="Validate, store and make live a new version (admin)",
            responses={422: {"description": "Refused: every problem listed; nothing changed"}})
async def put_policy(policy_id: str, request: Request,
                     user: Admin) -> dict[str, Any]:
    from moderation.policy.admin import parse_upload
    from moderation.policy.versions import apply_version

    body = await _upload(request)
    rt = _rt(request)

    def work() -> Any:
        policy = parse_upload(policy_id, body.yaml, body.files,
                              policy_dir=rt.settings.policy_dir)
        applied = apply_version(rt.db, policy, author=user.name, message=body.message)
        live = getattr(rt.registry, "live", None)
        if live is not None:
            live.refresh_now(policy_id)  # this process switches now; the others within seconds
        return applied

    try:
        applied = await run_in_threadpool(work)
    except PolicyError as exc:
        raise _invalid(exc) from None
    return {"applied": applied.info.as_dict(), "created": applied.created}


@router.post("/{policy_id}/backtest", summary="What a candidate version would change (admin)")
async def post_backtest(policy_id: str, body: BacktestRequest, request: Request,
                        _user: Admin) -> dict[str, Any]:
    rt = _rt(request)

    def work() -> dict[str, Any]:
        from moderation.engine import Engine
        from moderation.policy import backtest as bt
        from moderation.policy.admin import parse_upload
        from moderation.scorers import load_scorer

        live_policy, live_label = bt.resolve_policy(body.against or policy_id, rt.db)
        new_policy = parse_upload(policy_id, body.yaml, body.files,
                                  policy_dir=rt.settings.policy_dir) if body.yaml \
            else live_policy
        items = bt.stored_items(rt.db, last=body.last, since=body.since, until=body.until,
                                site_ids=body.sites, policy_id=policy_id) \
            if body.last or body.since or body.until else []
        for i, row in enumerate(body.labels):
            if row.get("text", "").strip():
                label = bt.normalise_label(row.get("label"))
                items.append(bt.Item(row["text"], f"labels:{i}", None, label,
                                     "request" if label else None))
        scorer = bt.SharedScores(load_scorer(body.scorer) if body.scorer
                                 else rt.registry.scorer())
        res = bt.run(Engine(new_policy, scorer), Engine(live_policy, scorer), items,
                     new_label=f"candidate ({new_policy.version})", live_label=live_label)
        return res.as_dict()

    try:
        return await run_in_threadpool(work)
    except PolicyError as exc:
        raise _invalid(exc) from None
    except ModerationError as exc:
        raise ApiError(422, "backtest_failed", str(exc)) from None
