"""``extends``: a site policy overrides categories, thresholds, word lists and allow-lists of a
base; the merge rules of moderation.policy.merge, and versions that follow every file involved."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.engine import Engine
from moderation.errors import PolicyError
from moderation.models import Comment
from moderation.policy import load_policy, policy_from_bundle
from tests.policy.conftest import write

SITE = """\
id: site
extends: base
max_length: 500
lists:
  mild: words/site_mild.txt
categories:
  profanity:
    action: review
    words_add:
      - file: words/site_swears.txt
    allow_add: [frick]
    patterns_remove: [heck_off]
    patterns_add:
      - id: darn_it
        pattern: '\\bdarn\\s+it\\b'
    model:
      reject_at: 0.95
  promotion:
    description: selling things
    action: reject
    patterns:
      - id: buy_now
        pattern: '\\bbuy\\s+now\\b'
"""


@pytest.fixture
def site(policy_dir: Path) -> Path:
    write(policy_dir / "words" / "site_swears.txt", "darn\n")
    write(policy_dir / "words" / "site_mild.txt", "golly\n")
    return write(policy_dir / "site.yaml", SITE)


def test_child_fields_replace_and_extend_the_base(site: Path) -> None:
    p = load_policy(site, strict=True)
    base = load_policy(site.parent / "base.yaml")
    prof = p.categories["profanity"]
    assert p.id == "site" and p.doc.extends == "base" and p.max_length == 500
    assert prof.action == "review"  # replaced
    assert prof.description == "swearing"  # kept from the base
    assert [w.file for w in prof.words] == ["words/swears.txt", "words/site_swears.txt"]
    assert prof.allow == ["scunthorpe", "frick"]
    assert [x.id for x in prof.patterns] == ["darn_it"]
    assert (prof.model.labels, prof.model.review_at, prof.model.reject_at) == (
        ["obscene"], 0.5, 0.95)  # only reject_at given: the rest is the base's
    assert list(p.categories) == ["profanity", "mild", "promotion"]
    assert p.words("@mild") == ["golly"]  # a named list replaced by name
    assert base.categories["profanity"].action == "reject"  # the base file is untouched


def test_decisions_follow_the_merged_policy(site: Path) -> None:
    base = Engine(load_policy(site.parent / "base.yaml"))
    child = Engine(load_policy(site))

    def act(engine: Engine, text: str) -> str:
        return engine.decide(Comment(text=text)).action

    assert act(base, "oh heck") == "reject" and act(child, "oh heck") == "review"
    assert act(base, "frick this") == "reject" and act(child, "frick this") == "approve"
    assert act(base, "darn") == "approve" and act(child, "darn") == "review"
    assert act(base, "golly") == "approve" and act(child, "golly") == "review"
    assert act(base, "buy now") == "approve" and act(child, "buy now") == "reject"


def test_full_list_replaces_and_null_removes(policy_dir: Path) -> None:
    p = load_policy(write(policy_dir / "s.yaml", (
        "id: s\nextends: base\ncategories:\n  profanity:\n    allow: [x, y]\n"
        "    model: null\n  mild:\n    enabled: false\n")))
    assert p.categories["profanity"].allow == ["x", "y"]
    assert p.categories["profanity"].model is None
    assert p.categories["mild"].enabled is False
    assert Engine(p).decide(Comment(text="gosh")).action == "approve"


def test_added_pattern_with_an_existing_id_replaces_it(policy_dir: Path) -> None:
    p = load_policy(write(policy_dir / "s.yaml", (
        "id: s\nextends: base\ncategories:\n  profanity:\n    patterns_add:\n"
        "      - id: heck_off\n        pattern: '\\bget\\s+lost\\b'\n")))
    (pat,) = p.categories["profanity"].patterns
    assert pat.id == "heck_off" and "get" in pat.pattern


def test_base_in_another_directory_keeps_its_relative_lists(tmp_path: Path,
                                                            policy_dir: Path) -> None:
    shared = tmp_path / "shared"
    write(shared / "words" / "s.txt", "blimey\n")
    write(shared / "common.yaml", "id: common\ncategories:\n  british:\n    description: b\n"
          "    action: reject\n    words:\n      - file: words/s.txt\n")
    p = load_policy(write(policy_dir / "s.yaml", "id: s\nextends: ../shared/common.yaml\n"))
    assert [w.file for w in p.categories["british"].words] == ["../shared/words/s.txt"]
    assert Engine(p).decide(Comment(text="blimey")).action == "reject"


def test_multi_level_extends(policy_dir: Path) -> None:
    write(policy_dir / "mid.yaml", "id: mid\nextends: base\ncategories:\n  mild:\n"
          "    action: flag\n")
    p = load_policy(write(policy_dir / "leaf.yaml", "id: leaf\nextends: mid\ncategories:\n"
                          "  profanity:\n    action: review\n"))
    assert p.categories["mild"].action == "flag" and p.categories["profanity"].action == "review"
    assert sorted(p.bundle["files"]) == ["base.yaml", "leaf.yaml", "mid.yaml", "words/mild.txt",
                                         "words/swears.txt"]


def test_new_category_must_be_complete_and_remove_must_exist(policy_dir: Path) -> None:
    p = write(policy_dir / "s.yaml", "id: s\nextends: base\ncategories:\n  spam:\n"
              "    action: reject\n  profanity:\n    allow_remove: [nothere]\n")
    with pytest.raises(PolicyError) as err:
        load_policy(p)
    msgs = err.value.problems
    assert any(m.startswith(f"{p}:7:20: ") and "'nothere' is not in 'allow' (present: "
               "scunthorpe)" in m for m in msgs)
    assert not any("categories.spam.description" in m for m in msgs)  # merge errors first
    p = write(policy_dir / "s.yaml", "id: s\nextends: base\ncategories:\n  spam:\n"
              "    action: reject\n")
    (msg,) = pytest.raises(PolicyError, load_policy, p).value.problems
    assert msg.startswith(f"{p}:4:3: ") and "categories.spam.description: Field required" in msg
    assert "a new category needs at least description and action" in msg


def test_extending_policy_needs_its_own_id(policy_dir: Path) -> None:
    p = write(policy_dir / "s.yaml", "extends: base\n")
    (msg,) = pytest.raises(PolicyError, load_policy, p).value.problems
    assert "id: required in a policy that extends another" in msg


def test_version_covers_the_base_and_the_lists(site: Path) -> None:
    v1 = load_policy(site).version
    write(site.parent / "words" / "site_swears.txt", "darn\ndang\n")
    v2 = load_policy(site).version
    base = site.parent / "base.yaml"
    base.write_text(base.read_text().replace("max_length: 2000", "max_length: 3000"))
    v3 = load_policy(site).version
    assert len({v1, v2, v3}) == 3


def test_bundle_rebuilds_the_same_version_without_files(site: Path) -> None:
    p = load_policy(site)
    again = policy_from_bundle(p.bundle, "stored")
    assert again.version == p.version and again.doc == p.doc
    for f in site.parent.rglob("*"):
        if f.is_file():
            f.unlink()  # the stored bundle needs none of the files
    again = policy_from_bundle(p.bundle, "stored")
    assert Engine(again).decide(Comment(text="darn")).action == "review"


def test_version_without_extends_is_the_hash_of_yaml_and_lists(tmp_path: Path) -> None:
    """Unchanged by the extends support: decisions stored before keep naming the same version."""
    import hashlib

    text = "id: t\ncategories:\n  p:\n    description: d\n    action: reject\n" \
           "    words:\n      - file: w.txt\n"
    write(tmp_path / "w.txt", "Heck\n# comment\n\nDarn  it\n")
    p = load_policy(write(tmp_path / "t.yaml", text))
    expected = hashlib.sha256(text.encode())
    expected.update(b"\0w.txt\0")
    expected.update(b"heck\ndarn it")
    assert p.version == expected.hexdigest()[:12]
