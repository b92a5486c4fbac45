"""Policy files: every problem listed with file and line; the default policy is valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.errors import PolicyError
from moderation.policy import load_policy

GOOD = """\
id: test
max_length: 500
categories:
  profanity:
    description: swearing
    action: reject
    words:
      - file: words.txt
"""


def write(tmp_path: Path, text: str, words: str = "heck\n") -> Path:
    (tmp_path / "words.txt").write_text(words)
    p = tmp_path / "policy.yaml"
    p.write_text(text)
    return p


def problems(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    return err.value.problems


def test_default_policy_is_valid_and_versioned() -> None:
    p = load_policy()
    assert p.id == "default"
    assert len(p.version) == 12
    expected = {"profanity", "vulgarity", "threat", "personal_attack", "sexism", "racism",
                "homophobia", "xenophobia", "promotion", "off_topic"}
    assert expected <= set(p.categories)
    assert p.categories["off_topic"].action == "flag"
    assert "kill" in p.words("@better-profanity")  # the base list is better-profanity's own


def test_version_changes_when_a_word_list_changes(tmp_path: Path) -> None:
    v1 = load_policy(write(tmp_path, GOOD)).version
    v2 = load_policy(write(tmp_path, GOOD, words="heck\ndarn\n")).version
    assert v1 != v2


def test_missing_word_list_names_file_and_line(tmp_path: Path) -> None:
    p = write(tmp_path, GOOD.replace("words.txt", "nope.txt"))
    (msg,) = problems(p)
    assert f"{p}:8:" in msg and "nope.txt" in msg and "not found" in msg


def test_thresholds_out_of_range_and_out_of_order(tmp_path: Path) -> None:
    text = GOOD + "    model:\n      labels: [obscene]\n      review_at: 0.9\n"
    text += "      reject_at: 0.5\n"
    found = problems(write(tmp_path, text))
    assert any("review_at (0.9) must not be above reject_at (0.5)" in m for m in found)
    text = GOOD + "    model:\n      labels: [obscene]\n      reject_at: 1.5\n"
    found = problems(write(tmp_path, text))
    assert any(":11:7:" in m and "less than or equal to 1" in m for m in found)


def test_bad_regex_and_unknown_list_and_label_are_all_listed(tmp_path: Path) -> None:
    text = GOOD + (
        "    patterns:\n"
        "      - id: broken\n        pattern: '(unclosed'\n"
        "      - id: unknown\n        pattern: '<<nolist>>'\n"
        "    model:\n      labels: [toxicity, nonsense]\n      review_at: 0.5\n"
    )
    found = problems(write(tmp_path, text))
    assert len(found) == 3
    assert any("'broken' does not compile" in m and ":11:" in m for m in found)
    assert any("unknown list(s) nolist" in m for m in found)
    assert any("unknown model label 'nonsense'" in m for m in found)


def test_duplicate_category_and_wrong_action(tmp_path: Path) -> None:
    dup = GOOD + "  profanity:\n    description: again\n    action: reject\n"
    (msg,) = problems(write(tmp_path, dup))
    assert "duplicate key 'profanity'" in msg and ":9:" in msg
    bad = GOOD.replace("action: reject", "action: delete")
    (msg,) = problems(write(tmp_path, bad))
    assert "categories.profanity.action" in msg and ":6:" in msg and "'delete'" in msg


def test_yaml_syntax_error_has_a_position(tmp_path: Path) -> None:
    (msg,) = problems(write(tmp_path, "id: [unclosed\n"))
    assert "YAML syntax" in msg and str(tmp_path) in msg
