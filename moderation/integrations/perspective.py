"""A Perspective-compatible ``comments:analyze`` / ``comments:suggestscore``: request checks,
attribute scores from our decision, and Perspective's own error shape.

How an attribute's ``summaryScore`` is made (documented in docs/integrations/perspective.md):

    value = max(model probability of the attribute's label,
                0.99 if a reason of a mapped category rejects,
                0.90 if a reason of a mapped category sends the comment to review)

so a client thresholding TOXICITY (Coral: ``score > 0.8``) holds back what our rules and policy
reject or send to review, and otherwise sees the model's probability. ``spanScores`` are the
evidence spans of those reasons, in UTF-16 code units as Perspective counts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from moderation import safe_json
from moderation.models import Decision

REJECT_FLOOR = 0.99
REVIEW_FLOOR = 0.90

#: Perspective attribute -> (our model label or None, our categories that raise it).
ATTRIBUTES: dict[str, tuple[str | None, frozenset[str]]] = {
    "TOXICITY": ("toxicity", frozenset({
        "profanity", "vulgarity", "threat", "personal_attack", "sexism", "racism", "homophobia",
        "xenophobia", "toxicity"})),
    "SEVERE_TOXICITY": ("severe_toxicity", frozenset({
        "threat", "sexism", "racism", "homophobia", "xenophobia"})),
    "IDENTITY_ATTACK": ("identity_attack", frozenset({
        "sexism", "racism", "homophobia", "xenophobia"})),
    "INSULT": ("insult", frozenset({"personal_attack"})),
    "PROFANITY": ("obscene", frozenset({"profanity"})),
    "THREAT": ("threat", frozenset({"threat"})),
    # no model label of its own: the obscenity probability stands in, rules raise it
    "SEXUALLY_EXPLICIT": ("obscene", frozenset({"vulgarity"})),
    "SPAM": ("spam", frozenset({"promotion"})),
}
#: SEVERE_TOXICITY is raised by rejections only: a review is not "severe".
REJECT_ONLY = frozenset({"SEVERE_TOXICITY"})

SCORE_TYPE = "PROBABILITY"
MAX_TEXT_BYTES = 20480  # Perspective's documented limit


class PerspectiveError(Exception):
    """Answered as ``{"error": {"code", "message", "status"}}`` with ``code`` as HTTP status."""

    def __init__(self, code: int, message: str, status: str = "INVALID_ARGUMENT") -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


def supported_attributes(scorer_labels: Iterable[str], categories: Iterable[str]) -> set[str]:
    """Attributes this deployment can score: a model label or a policy category behind it."""
    labels, cats = set(scorer_labels), set(categories)
    return {name for name, (label, mapped) in ATTRIBUTES.items()
            if (label is not None and label in labels) or (mapped & cats)}


@dataclass
class AnalyzeRequest:
    text: str
    attributes: dict[str, dict[str, Any]]
    languages: list[str]
    do_not_store: bool
    span_annotations: bool
    client_token: str | None


def _object(data: Any, name: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise PerspectiveError(400, f"Invalid JSON payload received. '{name}' must be an object.")
    return data


def _text(data: dict[str, Any]) -> str:
    comment = _object(data.get("comment"), "comment")
    text = comment.get("text")
    if not isinstance(text, str) or not text.strip():
        raise PerspectiveError(400, "Comment text was empty.")
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise PerspectiveError(400, f"Comment text too long. The maximum size is "
                               f"{MAX_TEXT_BYTES} bytes.")
    return text


def _languages(data: dict[str, Any], accepted: Sequence[str], attrs: Iterable[str]) -> list[str]:
    langs = data.get("languages") or []
    if not isinstance(langs, list) or not all(isinstance(x, str) for x in langs):
        raise PerspectiveError(400, "Invalid JSON payload received. 'languages' must be a list "
                               "of strings.")
    if langs and not any(lang.split("-")[0].lower() in accepted for lang in langs):
        first = next(iter(attrs), "TOXICITY")
        raise PerspectiveError(400, f"Attribute {first} does not support request languages: "
                               f"{','.join(langs)}")
    return [lang for lang in langs] or [accepted[0]]


def parse_analyze(data: dict[str, Any], supported: set[str],
                  accepted_languages: Sequence[str]) -> AnalyzeRequest:
    text = _text(data)
    requested = _object(data.get("requestedAttributes"), "requestedAttributes")
    if not requested:
        raise PerspectiveError(400, "No requested attributes.")
    attrs: dict[str, dict[str, Any]] = {}
    for name, params in requested.items():
        if name not in supported:
            asked = data.get("languages") if isinstance(data.get("languages"), list) else None
            raise PerspectiveError(400, f"Attribute {name} does not exist in languages: "
                                   f"{','.join(map(str, asked or accepted_languages[:1]))}.")
        params = _object(params or {}, f"requestedAttributes.{name}")
        score_type = params.get("scoreType", SCORE_TYPE)
        if score_type != SCORE_TYPE:
            raise PerspectiveError(400, f"Score type {score_type} is not supported for "
                                   f"attribute {name}: only {SCORE_TYPE}.")
        threshold = params.get("scoreThreshold")
        if threshold is not None and (not isinstance(threshold, int | float)
                                      or not 0 <= threshold <= 1):
            raise PerspectiveError(400, f"scoreThreshold of {name} must be in [0, 1].")
        attrs[name] = params
    return AnalyzeRequest(
        text=text,
        attributes=attrs,
        languages=_languages(data, accepted_languages, attrs),
        do_not_store=bool(data.get("doNotStore", False)),
        span_annotations=bool(data.get("spanAnnotations", False)),
        client_token=data.get("clientToken") if isinstance(data.get("clientToken"), str)
        else None,
    )


def utf16_offset(text: str, index: int) -> int:
    """Python (code point) index -> UTF-16 code unit index, as Perspective's begin/end count."""
    return len(text[:index].encode("utf-16-le")) // 2


def attribute_score(name: str, decision: Decision) -> tuple[float, list[tuple[int, int]]]:
    """The summary value of one attribute and the evidence spans behind it."""
    label, mapped = ATTRIBUTES[name]
    value = float(decision.scores.get(label, 0.0)) if label else 0.0
    spans: list[tuple[int, int]] = []
    for reason in decision.reasons:
        if reason.category not in mapped or reason.action == "flag":
            continue
        if reason.action == "review" and name in REJECT_ONLY:
            continue
        value = max(value, REJECT_FLOOR if reason.action == "reject" else REVIEW_FLOOR)
        spans.extend((e.start, e.end) for e in reason.evidence)
    return min(max(value, 0.0), 1.0), sorted(set(spans))


def analyze_response(req: AnalyzeRequest, decision: Decision) -> dict[str, Any]:
    scores: dict[str, Any] = {}
    for name, params in req.attributes.items():
        value, spans = attribute_score(name, decision)
        threshold = params.get("scoreThreshold")
        if threshold is not None and value < threshold:
            continue  # Perspective leaves out attributes under the requested threshold
        entry: dict[str, Any] = {"summaryScore": {"value": round(value, 4), "type": SCORE_TYPE}}
        if req.span_annotations:
            entry["spanScores"] = [
                {"begin": utf16_offset(req.text, b), "end": utf16_offset(req.text, e),
                 "score": {"value": round(value, 4), "type": SCORE_TYPE}}
                for b, e in spans
            ]
        scores[name] = entry
    out: dict[str, Any] = {"attributeScores": scores, "languages": req.languages}
    if req.client_token is not None:
        out["clientToken"] = req.client_token
    return out


# ---------------------------------------------------------------- suggestscore


@dataclass
class SuggestRequest:
    text: str
    attributes: dict[str, float]
    client_token: str | None
    external_id: str | None
    details: dict[str, Any]

    @property
    def label(self) -> str:
        """In the engine's vocabulary: any attribute at or above 0.5 means the moderator
        found the comment over the line (Coral sends 1 for a rejection, 0 for an approval)."""
        return "reject" if any(v >= 0.5 for v in self.attributes.values()) else "approve"


def _coral_comment_id(context: Any) -> str | None:
    """Coral puts ``{"Coral_comment_id": ...}`` as JSON text in ``context.entries[0].text``."""
    if not isinstance(context, dict):
        return None
    entries = context.get("entries")
    for entry in entries if isinstance(entries, list) else []:
        text = entry.get("text") if isinstance(entry, dict) else None
        if not isinstance(text, str):
            continue
        try:
            value = safe_json.loads(text.encode("utf-8", "surrogatepass"))
        except safe_json.BodyError:  # any string a client sends: never a 500
            continue
        if isinstance(value, dict) and isinstance(value.get("Coral_comment_id"), str):
            return value["Coral_comment_id"]
    return None


def parse_suggest(data: dict[str, Any], supported: set[str]) -> SuggestRequest:
    text = _text(data)
    given = _object(data.get("attributeScores"), "attributeScores")
    if not given:
        raise PerspectiveError(400, "No attribute scores.")
    attrs: dict[str, float] = {}
    for name, score in given.items():
        if name not in supported:
            raise PerspectiveError(400, f"Attribute {name} does not exist.")
        summary = _object(_object(score, f"attributeScores.{name}").get("summaryScore"),
                          f"attributeScores.{name}.summaryScore")
        value = summary.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise PerspectiveError(400, f"attributeScores.{name}.summaryScore.value must be a "
                                   "number in [0, 1].")
        attrs[name] = float(value)
    token = data.get("clientToken") if isinstance(data.get("clientToken"), str) else None
    details = {k: data[k] for k in ("context", "communityId", "sessionId", "languages")
               if k in data}
    return SuggestRequest(text, attrs, token, _coral_comment_id(data.get("context")) or token,
                          details)


def suggest_response(req: SuggestRequest) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if req.client_token is not None:
        out["clientToken"] = req.client_token
    return out
