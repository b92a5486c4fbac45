"""``moderation check`` and ``moderation policy validate`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from moderation.cli import main


def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin)


def test_check_prints_verdict_with_highlighted_evidence() -> None:
    r = run("check", "--scorer", "none", "You are a f u c k i n g idiot")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("REJECT")
    assert "[[f u c k i n g]]" in r.output or "[[You are a f u c k i n g idiot]]" in r.output
    assert "profanity" in r.output and "personal attack" in r.output


def test_check_json_keeps_the_text_and_spans_exact() -> None:
    text = "  call me on +44 7911 123456  "
    r = run("check", "--scorer", "none", "--json", text)
    d = json.loads(r.output)
    assert d["action"] == "reject"
    ev = d["reasons"][0]["evidence"][0]
    assert text[ev["start"]:ev["end"]] == ev["text"] == "+44 7911 123456"


def test_jsonl_one_line_per_input_and_errors_do_not_stop_the_run() -> None:
    lines = [
        json.dumps({"id": "a", "text": "sh1t"}),
        "not json",
        json.dumps({"id": "b", "text": "   "}),
        json.dumps({"id": "c"}),
        json.dumps({"id": "d", "text": "The ceasefire talks resume in Geneva."}),
    ]
    r = run("check", "--scorer", "none", "--jsonl", stdin="\n".join(lines) + "\n")
    assert r.exit_code == 0, r.output
    out = [json.loads(x) for x in r.output.splitlines()]
    assert len(out) == 5
    assert out[0]["id"] == "a" and out[0]["action"] == "reject"
    assert out[0]["reasons"][0]["category"] == "profanity" and "scores" in out[0]
    assert out[1] == {"line": 2, "error": "invalid JSON: Expecting value"}
    assert out[2]["id"] == "b" and "empty" in out[2]["error"]
    assert out[3]["id"] == "c" and "text" in out[3]["error"]
    assert out[4]["id"] == "d" and out[4]["action"] == "approve"


def test_over_long_text_is_a_clear_error_not_a_trace() -> None:
    r = run("check", "--scorer", "none", "x" * 20_000)
    assert r.exit_code == 2
    assert "at most" in r.output and "Traceback" not in r.output


def test_unknown_scorer_is_a_one_line_error() -> None:
    r = run("check", "--scorer", "nonsense", "hello")
    assert r.exit_code == 2
    assert r.output.strip().startswith("error: unknown scorer")


def test_policy_validate(tmp_path: Path) -> None:
    ok = run("policy", "validate", "policies/default.yaml")
    assert ok.exit_code == 0 and ok.output.startswith("ok: policy default")
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ncategories:\n  profanity:\n    action: delete\n")
    r = run("policy", "validate", str(bad))
    assert r.exit_code == 1
    assert f"{bad}:" in r.output and "description" in r.output and "action" in r.output
