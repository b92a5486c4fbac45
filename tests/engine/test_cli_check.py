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
    assert r.exit_code == 1, r.output  # some lines failed: documented non-zero code
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == 5
    assert out[0]["id"] == "a" and out[0]["action"] == "reject"
    assert out[0]["reasons"][0]["category"] == "profanity" and "scores" in out[0]
    assert out[1] == {"line": 2, "error": "this line is not valid JSON: Expecting value: "
                                          "line 1 column 1 (char 0)"}
    assert out[2]["id"] == "b" and "empty" in out[2]["error"]
    assert out[3]["id"] == "c" and "text" in out[3]["error"]
    assert out[4]["id"] == "d" and out[4]["action"] == "approve"
    assert "3 line(s) failed (line 2, 3, 4)" in r.stderr


def test_jsonl_exit_code_is_zero_only_when_every_line_is_decided() -> None:
    ok = run("check", "--scorer", "none", "--jsonl",
             stdin=json.dumps({"id": 1, "text": "fine words"}) + "\n")
    assert ok.exit_code == 0 and ok.stderr == ""
    bad = run("check", "--scorer", "none", "--jsonl",
              stdin=json.dumps({"id": 1, "text": "fine words"}) + "\n{\n")
    assert bad.exit_code == 1 and "1 line(s) failed (line 2)" in bad.stderr
    assert "Exit codes: 0" in run("check", "--help").output


def test_jsonl_error_messages_are_whole() -> None:
    """json's message "Invalid control character at" was cut before its position."""
    r = run("check", "--scorer", "none", "--jsonl", stdin='{"id": 1, "text": "a\tb"}\n')
    err = json.loads(r.stdout)["error"]
    assert err == ("this line is not valid JSON: Invalid control character at: "
                   "line 1 column 21 (char 20)")


def test_jsonl_blank_lines_are_skipped_with_a_note() -> None:
    stdin = "\n" + json.dumps({"id": 1, "text": "fine words"}) + "\n   \n"
    r = run("check", "--scorer", "none", "--jsonl", stdin=stdin)
    assert r.exit_code == 0
    assert len(r.stdout.splitlines()) == 1
    assert "2 blank line(s) skipped (line 1, 3)" in r.stderr


def test_jsonl_hostile_lines_are_errors_not_tracebacks() -> None:
    lines = [b'{"a":' * 3000 + b"1" + b"}" * 3000, b'{"id": 1, "text": "x", "n": 1' +
             b"0" * 5000 + b"}", b'{"id": 2, "text": NaN}', b"[" * 50_000]
    r = CliRunner().invoke(main, ["check", "--scorer", "none", "--jsonl"],
                           input=b"\n".join(lines) + b"\n")
    assert r.exit_code == 1, r.output
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["line"] for o in out] == [1, 2, 3, 4]
    assert "levels deep" in out[0]["error"] and "digits" in out[1]["error"]
    assert "NaN" in out[2]["error"] and "levels deep" in out[3]["error"]


def test_invalid_utf8_is_replaced_and_said() -> None:
    """printf '\\xff\\xfe you \\xc3 idiot' | moderation check --json - ended in a traceback."""
    r = CliRunner().invoke(main, ["check", "--scorer", "none", "--json", "-"],
                           input=b"\xff\xfe you \xc3 idiot")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["action"] == "reject"
    assert [e["text"] for r_ in d["reasons"] for e in r_["evidence"]] == ["idiot"]
    assert "3 invalid byte sequence(s)" in r.stderr and "U+FFFD" in r.stderr
    readable = CliRunner().invoke(main, ["check", "--scorer", "none", "-"],
                                  input=b"you \xff idiot")
    assert readable.exit_code == 0 and readable.stdout.startswith("REJECT")


def test_invalid_utf8_in_jsonl_is_replaced_and_flagged_on_its_line() -> None:
    r = CliRunner().invoke(main, ["check", "--scorer", "none", "--jsonl"],
                           input=b'{"id": 1, "text": "you \xff idiot"}\n'
                                 b'{"id": 2, "text": "half \\ud800 surrogate"}\n')
    assert r.exit_code == 0, r.output
    a, b = (json.loads(x) for x in r.stdout.splitlines())
    assert "1 invalid byte sequence(s)" in a["warning"] and a["action"] == "reject"
    assert "lone surrogate" in b["warning"] and "warning" in b


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


def test_argv_bytes_that_are_not_utf8_are_decoded_again() -> None:
    """A shell passes argv bytes; Python turns invalid ones into surrogate escapes."""
    from moderation.cli.common import clean_text

    text = b"you \xff idiot".decode("utf-8", "surrogateescape")
    assert clean_text(text) == ("you \ufffd idiot", 1)
    assert clean_text("keep \ufffd as is") == ("keep \ufffd as is", 0)
