"""HTTP side of the drop-in integrations: Coral's external moderation phase, the
Perspective-compatible ``comments:analyze``/``suggestscore`` and the Akismet-compatible API.

Each answers in its own protocol's shapes (Coral: 200 JSON / 204, Perspective: its ``error``
object, Akismet: plain text), never the service's ``{"error": {"reason"}}``. Protocol logic lives
in ``moderation.integrations``; this module authenticates, bounds the work in time and maps
failures. Decisions run on a small thread pool so a Coral call can give up waiting (answer 204)
while the comment is still stored and decided.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import Counter, Histogram
from pydantic import ValidationError

from moderation import safe_json
from moderation.api.errors import ApiError, loc_to_field
from moderation.api.sites_cache import SiteInfo
from moderation.api.webhook import check_storable, read_body
from moderation.integrations import akismet, coral, perspective
from moderation.integrations import store as istore
from moderation.integrations.html_text import PlainText, to_plain_text
from moderation.integrations.pipeline import NotStored, Verdict, decide_only, store_and_decide
from moderation.integrations.settings import IntegrationSettings
from moderation.languages.coverage import api_languages
from moderation.service.runtime import Runtime
from moderation.store import repository as repo

log = logging.getLogger(__name__)
T = TypeVar("T")

REQUESTS = Counter("moderation_integration_requests_total",
                   "Integration requests by protocol and outcome", ["protocol", "outcome"])
SECONDS = Histogram("moderation_integration_seconds", "Integration request time",
                    ["protocol"], buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.5, 1, 5))


class IntegrationState:
    """Per-app: settings, the deciding threads, short caches of secrets and keys."""

    def __init__(self, settings: IntegrationSettings, ttl_s: float = 5.0) -> None:
        self.settings = settings
        self.pool = ThreadPoolExecutor(settings.threads, thread_name_prefix="integrations")
        self.ttl_s = ttl_s
        self._cache: dict[tuple[str, str], tuple[float, Any]] = {}

    async def cached(self, kind: str, key: str, load: Callable[[], T]) -> T:
        now = time.monotonic()
        hit = self._cache.get((kind, key))
        if hit is not None and now - hit[0] < self.ttl_s:
            return hit[1]  # type: ignore[no-any-return]
        value = await self.run(load)
        if value:  # misses are not cached: a new secret or key works at once
            self._cache[(kind, key)] = (now, value)
        return value

    async def run(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn)

    def background(self, fn: Callable[[], Any]) -> None:
        """Run ``fn`` on the pool, not waited for (callback attempts)."""
        self.pool.submit(_logged, fn)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=False)


def _logged(fn: Callable[[], Any]) -> None:
    try:
        fn()
    except Exception:
        log.exception("background integration task failed")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.integrations = IntegrationState(IntegrationSettings.from_env())
    try:
        yield
    finally:
        app.state.integrations.close()


router = APIRouter(tags=["integrations"], lifespan=_lifespan)


def _state(request: Request) -> IntegrationState:
    st = getattr(request.app.state, "integrations", None)
    if st is None:  # served without lifespan (some test clients)
        st = request.app.state.integrations = IntegrationState(IntegrationSettings.from_env())
    return st  # type: ignore[no-any-return]


def _rt(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


async def _site(request: Request, site_id: str) -> SiteInfo | None:
    return await request.app.state.sites.get(site_id)  # type: ignore[no-any-return]


def _guidelines(rt: Runtime, policy_id: str) -> dict[str, str]:
    cats = getattr(rt.registry.policy(policy_id), "categories", None) or {}
    return {name: getattr(c, "guideline", "") or "" for name, c in cats.items()}


# ================================================================ Coral


@router.post(
    "/v1/integrations/coral/{site_id}",
    summary="Coral Talk external moderation phase",
    description="Configure this URL as an External Moderation Phase in Coral "
                "(/admin/configure/moderation/phases) and store the phase's signing secret with "
                "`moderation sites set-coral-secret SITE SECRET`. Answers 200 with Coral's "
                "ExternalModerationResponse, or 204 for no decision.",
    responses={200: {"description": "status, moderationAction, actions"},
               204: {"description": "No decision"}, 401: {}, 404: {}, 413: {}, 422: {}, 503: {}},
)
async def coral_phase(site_id: str, request: Request) -> Response:
    t0 = time.perf_counter()
    outcome = "error"
    try:
        response, outcome = await _coral(site_id, request)
        return response
    except ApiError as exc:
        outcome = str(exc.status)
        raise
    finally:
        REQUESTS.labels("coral", outcome).inc()
        SECONDS.labels("coral").observe(time.perf_counter() - t0)


async def _coral(site_id: str, request: Request) -> tuple[Response, str]:
    rt, st = _rt(request), _state(request)
    raw = await read_body(request, rt.settings.max_body_bytes)
    try:
        site = await _site(request, site_id)
        secrets = await st.cached("coral", site_id, lambda: _coral_secrets(rt, site_id))
    except Exception as exc:
        raise ApiError(503, "store_unavailable", "the store cannot be reached; retry later",
                       headers={"Retry-After": "5"}) from exc
    if site is None:
        raise ApiError(404, "unknown_site", f"site {site_id!r} is not registered", "site_id")
    if not secrets:
        raise ApiError(401, "bad_signature", "no Coral signing secret is set for this site "
                       "(moderation sites set-coral-secret)")
    if not coral.verify(request.headers.get(coral.HEADER), raw, secrets):
        raise ApiError(401, "bad_signature", f"{coral.HEADER} is missing or matches none of "
                       "the site's Coral signing secrets")
    try:
        data = safe_json.loads_object(raw)
        check_storable(data, "")
        req = coral.CoralRequest.model_validate(data)
    except safe_json.BodyError as exc:
        raise ApiError(422, "invalid_body", exc.reason, "body") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ApiError(422, "invalid_body", first["msg"], loc_to_field(first["loc"])) from None
    plain = to_plain_text(req.comment.body)
    if not plain.text.strip():  # nothing to judge (an embed, an image): Coral decides alone
        return Response(status_code=204), "empty"
    fields = coral.submission_fields(site_id, req)
    work = asyncio.ensure_future(
        st.run(lambda: store_and_decide(rt, site, fields, plain, st.background)))
    try:
        verdict = await asyncio.wait_for(asyncio.shield(work),
                                         st.settings.coral_budget_ms / 1000)
    except TimeoutError:
        work.add_done_callback(_log_failure)
        return Response(status_code=204), "over_budget"
    except NotStored as exc:
        raise ApiError(503, "store_unavailable", "the comment could not be stored",
                       headers={"Retry-After": "5"}) from exc
    except Exception:  # stored, not decided: the sweeper decides it; Coral goes on
        log.exception("coral: decision failed for site %s", site_id)
        return Response(status_code=204), "not_decided"
    body = coral.response(verdict.decision, _guidelines(rt, site.policy_id),
                          st.settings.coral_approve_status)
    if body is None:
        return Response(status_code=204), "no_decision"
    return JSONResponse(body), body["status"].lower()


def _coral_secrets(rt: Runtime, site_id: str) -> list[str]:
    with rt.db.reading() as s:  # a read: no write lock on SQLite
        return [c.secret for c in istore.active_coral_secrets(s, site_id)]


def _log_failure(fut: asyncio.Future[Any]) -> None:
    if not fut.cancelled() and fut.exception() is not None:
        log.warning("integration decision finished with an error: %r", fut.exception())


# ================================================================ Perspective


def _perspective_error(exc: perspective.PerspectiveError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.code)


async def _perspective_site(request: Request) -> SiteInfo:
    key = request.query_params.get("key") or request.headers.get("X-Goog-Api-Key")
    if not key:
        raise perspective.PerspectiveError(
            403, "The request is missing a valid API key.", "PERMISSION_DENIED")
    rt, st = _rt(request), _state(request)
    try:
        site_id = await st.cached("perspective-key", istore.key_sha256(key),
                                  lambda: _key_site(rt, key, "perspective"))
        site = await _site(request, site_id) if site_id else None
    except Exception as exc:
        raise perspective.PerspectiveError(503, "The service is currently unavailable.",
                                           "UNAVAILABLE") from exc
    if site is None:
        raise perspective.PerspectiveError(400, "API key not valid. Please pass a valid API key.")
    return site


async def _perspective_body(request: Request) -> dict[str, Any]:
    """The request's JSON object (shared safe parser), or Perspective's 400."""
    try:
        raw = await read_body(request, _rt(request).settings.max_body_bytes)
    except ApiError as exc:  # too large: answered in Perspective's shape
        raise perspective.PerspectiveError(400, f"Request payload too large: {exc.reason}."
                                           ) from None
    try:
        data = safe_json.loads_object(raw)
        check_storable(data, "")  # the text, and the details a label stores
    except safe_json.BodyError as exc:
        raise perspective.PerspectiveError(400, f"Invalid JSON payload received. {exc.reason}"
                                           ) from None
    except ApiError as exc:
        raise perspective.PerspectiveError(400, f"{exc.field}: {exc.reason}") from None
    return data


def _key_site(rt: Runtime, key: str, scope: str) -> str | None:
    with rt.db.reading() as s:  # a read: no write lock on SQLite
        return istore.site_for_key(s, key, scope)


def _supported(rt: Runtime, policy_id: str) -> set[str]:
    engine = rt.registry.engine(policy_id)
    labels = getattr(getattr(engine, "scorer", None), "labels", ()) or ()
    cats = getattr(getattr(engine, "policy", None), "categories", None) or {}
    enabled = [name for name, c in cats.items() if getattr(c, "enabled", True)]
    return perspective.supported_attributes(labels, enabled)


def _languages(rt: Runtime, policy_id: str) -> tuple[str, ...]:
    """English and the languages the site's policy covers, as API language codes."""
    policy = getattr(rt.registry.engine(policy_id), "policy", None)
    return api_languages(policy) if policy is not None else ("en",)


def perspective_comment_id(text: str, client_token: str | None) -> str:
    return "perspective-" + repo.text_sha256(f"{client_token or ''}\x1f{text}")[:40]


@router.post("/v1alpha1/comments:analyze", summary="Perspective-compatible comments:analyze",
             description="Perspective API request and response shapes; `?key=` is a key issued "
                         "with `moderation sites issue-key SITE`.")
async def perspective_analyze(request: Request) -> JSONResponse:
    t0 = time.perf_counter()
    try:
        out = await _analyze(request)
        REQUESTS.labels("perspective", "ok").inc()
        return JSONResponse(out)
    except perspective.PerspectiveError as exc:
        REQUESTS.labels("perspective", str(exc.code)).inc()
        return _perspective_error(exc)
    finally:
        SECONDS.labels("perspective").observe(time.perf_counter() - t0)


async def _analyze(request: Request) -> dict[str, Any]:
    site = await _perspective_site(request)
    rt, st = _rt(request), _state(request)
    data = await _perspective_body(request)
    supported = await st.run(lambda: _supported(rt, site.policy_id))
    accepted = st.settings.perspective_languages or await st.run(
        lambda: _languages(rt, site.policy_id))
    req = perspective.parse_analyze(data, supported, accepted)
    if len(req.text) > site.max_length:
        raise perspective.PerspectiveError(
            400, f"Comment text too long: {len(req.text)} characters; this site's policy "
                 f"accepts at most {site.max_length}.")
    if req.do_not_store:
        decision = await st.run(lambda: decide_only(rt, site.policy_id, req.text))
    else:
        fields = {"site_id": site.id, "comment_id": perspective_comment_id(req.text,
                                                                            req.client_token),
                  "text": req.text, "article": None, "author_id": None, "parent_id": None,
                  "submitted_at": None}
        try:
            verdict: Verdict = await st.run(
                lambda: store_and_decide(rt, site, fields, PlainText(req.text, None),
                                         st.background))
        except NotStored as exc:
            raise perspective.PerspectiveError(503, "The service is currently unavailable.",
                                               "UNAVAILABLE") from exc
        except Exception as exc:
            log.exception("perspective: decision failed for site %s", site.id)
            raise perspective.PerspectiveError(500, "Internal error encountered.",
                                               "INTERNAL") from exc
        decision = verdict.decision or await st.run(
            lambda: decide_only(rt, site.policy_id, req.text))
    return perspective.analyze_response(req, decision)


@router.post("/v1alpha1/comments:suggestscore",
             summary="Perspective-compatible comments:suggestscore (a moderator's label)")
async def perspective_suggest(request: Request) -> JSONResponse:
    t0 = time.perf_counter()
    try:
        site = await _perspective_site(request)
        rt, st = _rt(request), _state(request)
        data = await _perspective_body(request)
        supported = await st.run(lambda: _supported(rt, site.policy_id))
        req = perspective.parse_suggest(data, supported)

        def _record() -> None:
            with rt.db.session() as s:
                istore.record_label(s, site.id, source="perspective:suggestscore",
                                    label=req.label, text=req.text, attributes=req.attributes,
                                    external_id=req.external_id, details=req.details)

        try:
            await st.run(_record)
        except Exception as exc:
            raise perspective.PerspectiveError(503, "The service is currently unavailable.",
                                               "UNAVAILABLE") from exc
        REQUESTS.labels("perspective_suggest", "ok").inc()
        return JSONResponse(perspective.suggest_response(req))
    except perspective.PerspectiveError as exc:
        REQUESTS.labels("perspective_suggest", str(exc.code)).inc()
        return _perspective_error(exc)
    finally:
        SECONDS.labels("perspective").observe(time.perf_counter() - t0)


# ================================================================ Akismet


def _invalid(reason: str) -> PlainTextResponse:
    return PlainTextResponse("invalid", headers={akismet.DEBUG_HEADER: reason})


async def _akismet_form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _akismet_key(request: Request, form: dict[str, str]) -> str | None:
    """``api_key`` in the form; else, as older Akismet clients send it, the key as the first
    label of the host name (``<key>.rest.akismet.com``)."""
    if form.get("api_key"):
        return form["api_key"]
    host = request.headers.get("host", "").split(":")[0]
    label, dot, _ = host.partition(".")
    return label if dot and label.isalnum() and len(label) in (12, 40) else None


async def _akismet_site(request: Request, key: str | None) -> SiteInfo | None:
    if not key:
        return None
    rt, st = _rt(request), _state(request)
    site_id = await st.cached("akismet-key", istore.key_sha256(key),
                              lambda: _key_site(rt, key, "akismet"))
    return await _site(request, site_id) if site_id else None


@router.post("/1.1/verify-key", response_class=PlainTextResponse,
             summary="Akismet-compatible verify-key")
async def akismet_verify_key(request: Request) -> PlainTextResponse:
    form = await _akismet_form(request)
    try:
        site = await _akismet_site(request, form.get("key") or form.get("api_key"))
    except Exception:
        return PlainTextResponse("temporarily unavailable", status_code=503)
    REQUESTS.labels("akismet_verify", "valid" if site else "invalid").inc()
    if site is None:
        return _invalid("Invalid key")
    return PlainTextResponse("valid")


@router.post("/1.1/comment-check", response_class=PlainTextResponse,
             summary="Akismet-compatible comment-check: true (spam / reject) or false")
async def akismet_comment_check(request: Request) -> PlainTextResponse:
    t0 = time.perf_counter()
    outcome = "error"
    try:
        response, outcome = await _comment_check(request)
        return response
    finally:
        REQUESTS.labels("akismet", outcome).inc()
        SECONDS.labels("akismet").observe(time.perf_counter() - t0)


async def _comment_check(request: Request) -> tuple[PlainTextResponse, str]:
    rt, st = _rt(request), _state(request)
    form = await _akismet_form(request)
    try:
        site = await _akismet_site(request, _akismet_key(request, form))
    except Exception:
        return PlainTextResponse("temporarily unavailable", status_code=503), "503"
    if site is None:
        return _invalid("Invalid key"), "invalid"
    try:
        check_storable(form, "")
    except ApiError as exc:
        return _invalid(f"{exc.field}: {exc.reason}"), "invalid"
    content = form.get("comment_content", "")
    plain = to_plain_text(content)
    if not plain.text.strip():
        return PlainTextResponse("false"), "empty"
    fields = akismet.submission_fields(site.id, form)
    try:
        verdict = await st.run(lambda: store_and_decide(rt, site, fields, plain, st.background))
    except NotStored:
        return PlainTextResponse("temporarily unavailable", status_code=503), "503"
    except Exception:
        log.exception("akismet: decision failed for site %s", site.id)
        return PlainTextResponse("internal error", status_code=500), "500"
    body, headers = akismet.check_answer(verdict.decision)
    return PlainTextResponse(body, headers=headers), (
        "discard" if headers else ("spam" if body == "true" else "ham"))


async def _akismet_submit(request: Request, kind: str) -> PlainTextResponse:
    rt, st = _rt(request), _state(request)
    form = await _akismet_form(request)
    try:
        site = await _akismet_site(request, _akismet_key(request, form))
    except Exception:
        return PlainTextResponse("temporarily unavailable", status_code=503)
    if site is None:
        return _invalid("Invalid key")
    try:
        check_storable(form, "")
    except ApiError as exc:
        return _invalid(f"{exc.field}: {exc.reason}")
    text = form.get("comment_content", "")
    if text.strip():
        def _record() -> None:
            with rt.db.session() as s:
                istore.record_label(
                    s, site.id, source=f"akismet:submit-{kind}",
                    label="reject" if kind == "spam" else "approve", text=text,
                    attributes=akismet.label_attributes(kind, form),
                    external_id=akismet.comment_id(form))

        try:
            await st.run(_record)
        except Exception:
            return PlainTextResponse("temporarily unavailable", status_code=503)
    REQUESTS.labels(f"akismet_submit_{kind}", "ok").inc()
    return PlainTextResponse(akismet.SUBMISSION_RESPONSE)


@router.post("/1.1/submit-spam", response_class=PlainTextResponse,
             summary="Akismet-compatible submit-spam (recorded as a moderator label)")
async def akismet_submit_spam(request: Request) -> PlainTextResponse:
    return await _akismet_submit(request, "spam")


@router.post("/1.1/submit-ham", response_class=PlainTextResponse,
             summary="Akismet-compatible submit-ham (recorded as a moderator label)")
async def akismet_submit_ham(request: Request) -> PlainTextResponse:
    return await _akismet_submit(request, "ham")
