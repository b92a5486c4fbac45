"""``GET /v1/comments/{site_id}/{comment_id}``: where a comment is, and its decision."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from moderation.api.errors import ApiError
from moderation.api.schemas import DecisionOut, ErrorOut, SubmissionOut
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


@router.get(
    "/v1/comments/{site_id}/{comment_id}",
    response_model=SubmissionOut,
    responses={404: {"model": ErrorOut}, 503: {"model": ErrorOut}},
    summary="Status and decision of a comment",
)
async def get_comment(site_id: str, comment_id: str, request: Request) -> JSONResponse:
    rt: Runtime = request.app.state.runtime

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
    return render(out, 200)
