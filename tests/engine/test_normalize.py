"""Normalisation: the matching forms undo obfuscation, and every span maps back exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.normalize import fold, normalize, squash


def forms(text: str) -> set[str]:
    return {f for t in normalize(text).tokens for f in t.forms()}


def test_fold_keeps_ascii_identity_and_maps_unicode_back() -> None:
    assert fold("Hello World") == ("hello world", None)
    folded, origin = fold("ｆü\u200bck")
    assert folded == "fuck"
    assert origin == [0, 1, 3, 4]


def test_token_forms_undo_each_trick() -> None:
    assert "fuck" in forms("ｆｕｃｋ")
    assert "shit" in forms("sh1t")
    assert "shlt" in forms("sh1t")  # second reading of 1
    assert "shit" in forms("$hit")
    assert "fuck" in forms("f.u.c.k")
    assert "fuck" in forms("f u c k")
    assert "shit" in forms("ѕһіt")
    assert "cafe" in forms("café")


def test_genuine_cyrillic_word_is_not_turned_into_latin() -> None:
    assert "москва" in forms("Москва")


def test_phrase_stream_joins_spacing_and_marks_sentence_ends() -> None:
    nt = normalize("K i l l yourself. Then go")
    assert nt.stream == "kill yourself | then go"
    start, end = nt.stream_span_to_original(0, len("kill yourself"))
    assert nt.original[start:end] == "K i l l yourself"


def test_squash() -> None:
    assert squash("fuuuuck") == "fuck"
    assert squash("assss") == "as"


def test_original_is_never_modified() -> None:
    text = "  Ｓome  TEXT\u200b with\ttabs\n"
    nt = normalize(text)
    assert nt.original is text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_every_token_span_is_a_valid_slice_of_the_original(text: str) -> None:
    nt = normalize(text)
    for tok in nt.tokens:
        assert 0 <= tok.start <= tok.end <= len(text)
    for s, e, _ in nt.stream_tokens:
        a, b = nt.stream_span_to_original(s, e)
        assert 0 <= a <= b <= len(text)
