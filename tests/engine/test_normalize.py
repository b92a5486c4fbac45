"""Normalisation: the matching forms undo obfuscation, and every span maps back exactly."""

from __future__ import annotations

import pytest
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


def _fold_char_by_char(text: str) -> tuple[str, list[int]]:
    """The definition fold() implements faster: each character on its own."""
    from moderation.normalize import _fold_char

    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for m in (ch.lower() if ch.isascii() else _fold_char(ch)):
            out.append(m)
            origin.append(i)
    return "".join(out), origin


@pytest.mark.parametrize("text", [
    "Ünïcödé ＦＵＬＬ ｗｉｄｔｈ", "ᏸ Cherokee", "a\u200bb", "ﬁne…", "Straße", "İstanbul",
    "don\u2019t \u201cquote\u201d", "d\u0456ckhead", "tab\there\nnew line \x07 bell", "ascii only",
])
def test_fold_fast_cases_agree_with_char_by_char(text: str) -> None:
    folded, origin = fold(text)
    ref, ref_origin = _fold_char_by_char(text)
    assert folded == ref
    assert (origin if origin is not None else list(range(len(text)))) == ref_origin


def test_fold_agrees_with_char_by_char_on_real_comments(real_comments: list[str]) -> None:
    wrong = []
    for text in real_comments:
        if text.isascii():
            continue
        folded, origin = fold(text)
        ref, ref_origin = _fold_char_by_char(text)
        if folded != ref or (origin if origin is not None else list(range(len(text)))) != (
                ref_origin):
            wrong.append(text[:80])
    assert wrong == []


@pytest.mark.parametrize("text,word", [
    ("what the fuck\u202c", "fuck"),          # a bidi control after the word
    ("fuck\u200b off", "fuck"),               # a zero-width space after it
    ("you \u202eidiot\u202c and more", "idiot"),
    ("Stra\u00dfe shit", "shit"),             # a character that folds to two before it
])
def test_token_spans_stop_at_the_word_not_at_dropped_characters_after_it(
        text: str, word: str) -> None:
    nt = normalize(text)
    spans = [text[t.start:t.end] for t in nt.tokens if t.form == word]
    assert spans == [word]
