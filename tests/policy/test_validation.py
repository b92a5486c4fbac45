"""Every kind of policy error is refused and listed with file:line:col, what and what is allowed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import main
from moderation.errors import PolicyError
from moderation.policy import load_policy, regex_safety
from tests.policy.conftest import BASE, write


def problems(path: Path, strict: bool = False) -> list[str]:
    with pytest.raises(PolicyError) as err:
        load_policy(path, strict=strict)
    return err.value.problems


def edit(policy_dir: Path, old: str, new: str, name: str = "base.yaml") -> Path:
    assert old in BASE
    return write(policy_dir / name, BASE.replace(old, new))


def test_base_is_valid(policy_dir: Path) -> None:
    p = load_policy(policy_dir / "base.yaml", strict=True)
    assert p.id == "base" and set(p.categories) == {"profanity", "mild"}


def test_missing_word_list(policy_dir: Path) -> None:
    p = edit(policy_dir, "words/swears.txt", "words/nope.txt")
    (msg,) = problems(p)
    assert msg.startswith(f"{p}:10:9: ")
    assert "word list 'words/nope.txt' not found" in msg and "allowed:" in msg


def test_threshold_out_of_range(policy_dir: Path) -> None:
    p = edit(policy_dir, "reject_at: 0.9", "reject_at: 1.5")
    (msg,) = problems(p)
    assert msg.startswith(f"{p}:18:7: ") and "less than or equal to 1" in msg


def test_review_at_above_reject_at(policy_dir: Path) -> None:
    p = edit(policy_dir, "review_at: 0.5", "review_at: 0.95")
    (msg,) = problems(p)
    assert msg.startswith(f"{p}:15:5: ")
    assert "review_at (0.95) must not be above reject_at (0.9)" in msg


def test_regex_that_does_not_compile(policy_dir: Path) -> None:
    p = edit(policy_dir, "'\\bheck\\s+off\\b'", "'(heck'")
    (msg,) = problems(p)
    assert msg.startswith(f"{p}:14:9: ")
    assert "'heck_off' does not compile" in msg and "allowed: a Python regular expression" in msg


@pytest.mark.parametrize("pattern", [r"(\w+\s?)+$", r"(a+)+b", r"(.*x)*y", r"^(\d+)*$"])
def test_nested_quantifier_is_refused_statically(policy_dir: Path, pattern: str) -> None:
    p = edit(policy_dir, "'\\bheck\\s+off\\b'", f"'{pattern}'")
    (msg,) = problems(p)  # static: refused even without the measured check
    assert msg.startswith(f"{p}:14:9: ")
    assert "can backtrack catastrophically: nested quantifier" in msg and "allowed:" in msg


@pytest.mark.parametrize("pattern", [r"\b(?:so\s+|such\s+|a\s+)*idiot\b", r"(?:\w+\s+){0,3}x",
                                     r"\b(?:\w+\s+)*?end\b"])
def test_sound_repeats_pass_the_static_check(policy_dir: Path, pattern: str) -> None:
    load_policy(edit(policy_dir, "'\\bheck\\s+off\\b'", f"'{pattern}'"))


@pytest.mark.parametrize("pattern", [r"(a|a)*b", r"(a|aa)+c"])
def test_overlapping_alternation_is_refused_by_measurement(policy_dir: Path,
                                                           pattern: str) -> None:
    """No nested quantifier, so the static check passes; the measured bound refuses it."""
    p = edit(policy_dir, "'\\bheck\\s+off\\b'", f"'{pattern}'")
    load_policy(p)  # static only: accepted
    (msg,) = problems(p, strict=True)
    assert msg.startswith(f"{p}:14:9: ") and "'heck_off' is too slow: took" in msg
    assert " ms on a " in msg and "-character probe" in msg


def test_default_policy_passes_a_generous_measured_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every shipped pattern is measured, against 1 s rather than the 5 ms of production: a
    catastrophic pattern blows any budget within a few dozen characters, a sound one stays far
    below it on any machine. The real margin is a speed figure:
    ``python benchmarks/bench_policy_regex.py`` prints it."""
    measured: list[str] = []

    def generous(rx: re.Pattern[str]) -> tuple[bool, regex_safety.Measurement]:
        measured.append(rx.pattern)
        return real_measure(rx, budget_ms=1000.0)

    real_measure = regex_safety.measure
    monkeypatch.setattr(regex_safety, "measure", generous)
    policy = load_policy(strict=True)
    n_patterns = sum(len(cat.patterns) for cat in policy.doc.categories.values())
    assert n_patterns > 0 and len(measured) == n_patterns


def _fake_timer(monkeypatch: pytest.MonkeyPatch, times_ms: list[float]) -> list[float]:
    """Replace the stopwatch: each probe run "takes" the next of ``times_ms`` (the last
    repeats), so the budget logic is checked without depending on this machine's speed."""
    left = list(times_ms)

    def fake(rx: re.Pattern[str], text: str) -> float:
        return left.pop(0) if len(left) > 1 else left[0]

    monkeypatch.setattr(regex_safety, "_time_once", fake)
    return left


def test_measure_forgives_one_hiccup_over_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A probe over budget is re-timed and its fastest run counts: one slow run (a busy
    machine) does not refuse a sound pattern."""
    _fake_timer(monkeypatch, [9.0, 1.0])
    ok, worst = regex_safety.measure(re.compile(r"\bheck\s+off\b"), budget_ms=5.0)
    assert ok and worst.worst_ms == 1.0


def test_measure_refuses_a_pattern_over_budget_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_timer(monkeypatch, [1.0, 1.0, 7.5])  # within budget on the small probes, then over
    ok, worst = regex_safety.measure(re.compile(r"\bheck\s+off\b"), budget_ms=5.0)
    assert not ok and worst.worst_ms == 7.5
    assert worst.describe(5.0).startswith("took 7.5 ms on a ")
    assert "more than the 5 ms allowed per comment" in worst.describe(5.0)


def test_duplicate_category(policy_dir: Path) -> None:
    p = write(policy_dir / "base.yaml", BASE + "  mild:\n    description: again\n"
              "    action: flag\n")
    (msg,) = problems(p)
    assert msg.startswith(f"{p}:25:3: ") and "duplicate key 'mild' (first at line 19" in msg


def test_unknown_key_lists_allowed_keys(policy_dir: Path) -> None:
    p = edit(policy_dir, "    allow: [scunthorpe]\n", "    alow: [scunthorpe]\n")
    (msg,) = problems(p)
    assert msg.startswith(f"{p}:11:5: ") and "categories.profanity.alow" in msg
    assert "allowed here:" in msg and "allow_phrases" in msg and "words_add/_remove" in msg


def test_unknown_extends_target(policy_dir: Path) -> None:
    p = write(policy_dir / "site.yaml", "id: site\nextends: nosuch\ncategories: {}\n")
    (msg,) = problems(p)
    assert msg.startswith(f"{p}:2:1: ") and "extends: unknown policy 'nosuch'" in msg
    assert str(policy_dir / "nosuch.yaml") in msg and "allowed:" in msg


def test_extends_cycle(policy_dir: Path) -> None:
    a = write(policy_dir / "a.yaml", "id: a\nextends: b\n")
    write(policy_dir / "b.yaml", "id: b\nextends: ./c.yaml\n")
    write(policy_dir / "c.yaml", "id: c\nextends: a\n")
    (msg,) = problems(a)
    assert msg.startswith(f"{policy_dir / 'c.yaml'}:2:1: ")
    assert f"cycle {a} -> {policy_dir / 'b.yaml'} -> {policy_dir / 'c.yaml'} -> {a}" in msg


def test_error_in_a_base_points_into_the_base(policy_dir: Path) -> None:
    base = edit(policy_dir, "action: review", "action: hide")
    site = write(policy_dir / "site.yaml", "id: site\nextends: base\n")
    (msg,) = problems(site)
    assert msg.startswith(f"{base}:21:5: ") and "'hide'" in msg


def test_every_problem_is_listed_at_once(policy_dir: Path) -> None:
    text = (BASE.replace("words/swears.txt", "words/nope.txt")
            .replace("'\\bheck\\s+off\\b'", "'(a+)+'")
            .replace("labels: [obscene]", "labels: [obscene, nonsense]")
            .replace("<<mild>>", "<<nolist>>"))
    found = problems(write(policy_dir / "base.yaml", text))
    assert len(found) == 4
    assert any("nope.txt" in m for m in found)
    assert any("catastrophically" in m for m in found)
    assert any("unknown model label 'nonsense' (allowed: toxicity" in m for m in found)
    assert any("unknown list(s) nolist (allowed: the names under 'lists': mild)" in m
               for m in found)


def test_cli_validate_exit_codes(policy_dir: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["policy", "validate", str(policy_dir / "base.yaml")])
    assert ok.exit_code == 0 and "ok: policy base version" in ok.output
    bad = edit(policy_dir, "reject_at: 0.9", "reject_at: 2")
    res = runner.invoke(main, ["policy", "validate", str(bad)])
    assert res.exit_code == 1 and f"{bad}:18:7:" in res.output


def test_schema_and_list_and_regex_problems_in_one_pass(policy_dir: Path) -> None:
    """Issue 13, item 9: 3 of these 6 were shown only after the schema errors were fixed."""
    text = (BASE.replace("action: reject", "action: delete")            # schema: literal
            .replace("    allow: [scunthorpe]\n", "    colour: red\n")   # schema: unknown key
            .replace("reject_at: 0.9", "reject_at: 1.5")                # schema: range
            .replace("words/swears.txt", "words/nope.txt")               # list file missing
            .replace("'\\bheck\\s+off\\b'", "'(a+)+'")                    # catastrophic regex
            .replace("'\\b(?:<<mild>>)\\b'", "'\\b(?:<<mild>>\\b'"))        # does not compile
    p = write(policy_dir / "base.yaml", text)
    found = problems(p)
    assert len(found) == 6, "\n".join(found)
    kinds = ["(got 'delete')", "colour", "less than or equal to 1", "'words/nope.txt' not found",
             "catastrophically", "does not compile"]
    for kind in kinds:
        assert sum(kind in m for m in found) == 1, (kind, found)
    assert all(m.startswith(f"{p}:") for m in found)
    res = CliRunner().invoke(main, ["policy", "validate", str(p)])
    assert res.exit_code == 1 and "6 problem(s)" in res.output
    assert all(kind in res.output for kind in kinds)


def test_entries_the_schema_refused_are_still_checked(policy_dir: Path) -> None:
    """A pattern entry with a bad field still has its regex checked; a list path inside a
    word entry with a bad action still has its file looked for."""
    text = (BASE.replace("      - file: words/swears.txt\n",
                         "      - file: words/nope.txt\n        action: hide\n")
            .replace("        pattern: '\\bheck\\s+off\\b'\n",
                     "        pattern: '(unclosed'\n        action: erase\n"))
    found = problems(write(policy_dir / "base.yaml", text))
    assert sum("'hide'" in m for m in found) == 1 and sum("'erase'" in m for m in found) == 1
    assert any("nope.txt' not found" in m for m in found)
    assert any("pattern 'heck_off' does not compile" in m for m in found)
    assert len(found) == 4, found


def test_a_schema_error_alone_is_not_doubled(policy_dir: Path) -> None:
    (msg,) = problems(edit(policy_dir, "action: review", "action: hold"))
    assert "(got 'hold')" in msg
