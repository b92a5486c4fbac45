"""Which languages a comment is written in, per sentence, in a few microseconds.

General language identifiers do not name the site's languages on short comments (measured on
the functional suites, 1,232 comments of median 21 characters, benchmarks/bench_langid.py):
py3langid says "sdh" (Southern Kurdish) for Sorani and "ku" for Kurmanji and is right on 88-91 %
of Arabic, Turkish and Persian ones; pycld2 misses Kurmanji altogether and most Sorani. The
site's languages are told apart by their letters and function words instead (93-98 % on the
same comments, about 10 us), and py3langid is asked only about a Latin-script sentence with
too little evidence (Turkish or Kurmanji typed in ASCII):

- Arabic script: Sorani has letters the others lack (ڕ ڵ ۆ ێ ە ھ); Persian has پ چ ژ گ and writes
  ی ک where Arabic writes ي ك ة ى; each also has its own everyday words, compared with one yeh
  and one kaf because Persian is often typed on an Arabic keyboard (اين, كه), and Persian its
  verbs (می/نمی + a verb stem: ميكنم, نمی‌دونم).
- Latin script: Turkish has ı ğ ö ü, Kurmanji ê û î; English, Turkish, Kurmanji, German,
  French, Spanish and Arabizi (Arabic in Latin letters, digits for letters: 3 = ع, 7 = ح) are
  told by their function words; a few other European languages are recognised so that they can
  be reported as not covered.
- Other scripts name their language (Cyrillic: Russian, or Ukrainian with і ї є ґ).

A sentence's ``candidates`` are every language with some evidence in it: a language's rules
count in a sentence only where that language is a candidate (or nothing is known), so a
Turkish swear word that is also an English word ("got") is not read in an English sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

#: Languages recognised besides the site's own: reported, never judged by their own rules.
LATIN_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("""the and is are you your of to in that this it for not with was have
        what why they we be he she his her i my me an at on just do does don t s"""
                    .split()),
    "tr": frozenset("""bir ve bu da ile için icin çok cok ne ben sen biz siz onlar değil degil
        var yok gibi ama daha her mi mı mu kadar olan olarak diye şey sey nasıl nasil neden
        senin seni sana benim bunu şu su hep hiç hic""".split()),
    "kmr": frozenset("""û ji bi di ku ev ew li min jî ji çi çima heye nîne tune pir gelek ez
        tu em hûn wê wî ser nav dê yê ya yên ên ne in e dikin dike bû""".split()),
    "de": frozenset("""der die das und ist nicht ich du sie ein eine zu mit auf für bist sind
        wir ihr den dem des auch aber sehr""".split()),
    "fr": frozenset("""le la les et est un une des du je tu il vous nous pas que qui dans pour
        sur avec ce cette sont es c j n qu""".split()),
    "es": frozenset("""el la los las y es un una que en no por para con eres son yo tú usted
        pero muy como este esta del""".split()),
    "ar": frozenset("""ya enta inta anta enti inti ana wallah walla yalla 3ala 3an fi mesh mish
        msh bas shu sho lesh leh kol kul ma3 ibn akh ukht habibi yakhi ya3ni yel3an
        umak umka omak ummak okhtak ukhtak abouk""".split()),
    "it": frozenset("""il gli è sono sei non che di per una della questo questa ma molto
        anche""".split()),
    "pt": frozenset("""os é não um uma você com para que em do da mas muito isso""".split()),
    "nl": frozenset("""het een en niet ik je jij wij zij van op voor met dat dit maar ook zijn
        is""".split()),
}
# word -> the languages it is a function word of (one lookup per distinct word of a comment)
_FUNCTION_WORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _words in LATIN_FUNCTION_WORDS.items():
    for _w in _words:
        _FUNCTION_WORD_LANGS[_w] = (*_FUNCTION_WORD_LANGS.get(_w, ()), _lang)
_FUNCTION_WORD_LANGS_B = {w.encode("ascii"): v for w, v in _FUNCTION_WORD_LANGS.items()
                          if w.isascii()}
# The words as sets: a comment's words are intersected with them in C, so only the few function
# words a comment has reach the Python loop (an English comment's other 40-odd words do not).
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LANGS)
_FUNCTION_WORDS_B = frozenset(_FUNCTION_WORD_LANGS_B)
# Ties go to the language listed first (English): the winner must not depend on the order a
# set of words happens to iterate in, which changes with every process's hash seed.
_LATIN_RANK = {lang: -i for i, lang in enumerate(LATIN_FUNCTION_WORDS)}
_NOT_DIGITS = bytes(c for c in range(256) if not 48 <= c <= 57)
# The same index for the C loop (moderation/rules/native/_plainscan.c, function_words): each
# ASCII function word packed into a little-endian uint64 (none is longer than 8 letters),
# sorted, with the languages of each at the same position.
_PACKED = sorted((int.from_bytes(w, "little"), w) for w in _FUNCTION_WORD_LANGS_B)
assert all(len(w) <= 8 for _, w in _PACKED), "the C loop packs function words into 8 bytes"
_PACKED_KEYS = b"".join(k.to_bytes(8, "little") for k, _ in _PACKED)
_PACKED_LANGS = tuple(_FUNCTION_WORD_LANGS_B[w] for _, w in _PACKED)
# bytes: letters kept, everything else a space (the text is already lower case)
_ASCII_LETTERS = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
# Letters that point at one Latin-script language (each occurrence adds this much).
_LATIN_LETTERS: dict[str, tuple[tuple[str, float], ...]] = {
    "ı": (("tr", 2.0),), "ğ": (("tr", 2.0),), "ö": (("tr", 0.5), ("de", 0.5)),
    "ü": (("tr", 0.5), ("de", 0.5)), "ê": (("kmr", 1.5),), "û": (("kmr", 1.5),),
    "î": (("kmr", 1.0),), "ß": (("de", 2.0),), "ä": (("de", 1.0),), "ñ": (("es", 2.0),),
    "¿": (("es", 2.0),), "¡": (("es", 2.0),), "à": (("fr", 0.5),), "è": (("fr", 1.0),),
    "ç": (("tr", 0.3), ("kmr", 0.3), ("fr", 0.2)), "ş": (("tr", 0.3), ("kmr", 0.3)),
}
ARABIC_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "ar": frozenset("""في على إلى الى عن هذا هذه الذي التي أن ان لا هل كان لم لن قد يا انت
        أنت هو هي نحن كل مع بعد قبل ليس انتم أنتم والله الله""".split()),
    "fa": frozenset("""است این آن که را از به برای می نمی هست نیست هم تو شما آنها چرا خیلی
        بود شد کرد یک هیچ ها باید یه اون رو هستی هستند هستید هستم نیستند دیگه اینجا""".split()),
    "ckb": frozenset("""لە بە کە ئەم ئەو بۆ لەگەڵ نییە هەیە دەکات ئێمە ئێوە تۆ ئەوان چی بەڵام زۆر
        هەموو ئەمە""".split()),
}
_SORANI_LETTERS = frozenset("ڕڵۆێەھ")
_PERSIAN_LETTERS = frozenset("پچژگیک")
_ARABIC_LETTERS = frozenset("ةى")  # Persian typed on an Arabic keyboard has ي and ك, not these
_ARABIC_KEYBOARD = frozenset("يك")  # Arabic's yeh and kaf, which Persian phones also type

_SENTENCE = re.compile(r"[^.!?؟\n]+")
_LATIN_WORD = re.compile(r"[^\W\d_]+(?:[0-9][^\W\d_]*)*|[0-9]+[^\W\d_]+")
_DIGIT = re.compile(r"[0-9]")
_ARABIZI_NEAR = re.compile(r"[a-z][23579]|[23579][a-z]")  # what every _ARABIZI_DIGIT match has
_ARABIZI_DIGIT = re.compile(r"[a-z][23579][a-z]|\b[23579][a-z]{2}|[a-z]{2}[23579]\b")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_LETTER = re.compile(r"[a-zA-Z\u00c0-\u024f]")
_HARAKAT = dict.fromkeys(map(ord, "\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u200c"))
_HAMZA_SEATS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})
# Words are compared with one yeh and one kaf (Persian typed on an Arabic keyboard writes اين,
# كه, يك for این, که, یک; Arabic في and على take the same form), not folding hamza seats away
# for Persian (آن, not Arabic ان).
_YEH_KAF = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
_ARABIC_FUNCTION_FOLDED = frozenset(w.translate(_HAMZA_SEATS).translate(_YEH_KAF)
                                    for w in ARABIC_FUNCTION_WORDS["ar"])
_OTHER_FUNCTION_FOLDED = {lang: frozenset(w.translate(_YEH_KAF) for w in words)
                          for lang, words in ARABIC_FUNCTION_WORDS.items() if lang != "ar"}
# Persian verbs: the می/نمی prefix of the present and imperfect (میکنم, نمیدونم, می‌شود) on a
# verb stem, glued or after a zero-width non-joiner; Arabic words starting with مي (ميدان,
# مياه, ميلاد, ميزان) do not continue with these stems.
_PERSIAN_VERB = re.compile(
    r"^ن?می(?:کن|کرد|کنن|شو|شه|شد|شن|خوا|خور|دون|دان|دید|گ|ر[وفه]|زن|زد|تون|توان|بین|ذار|"
    r"گذار|یا|آی|آر|فهم|کش|نویس|ترس|پرس|بر|خند|ساز|سوز|فرست|مون|مان|دم|ده|گیر|بند)")
# Persian words that start like the Arabic article: not evidence of Arabic.
_PERSIAN_AL = frozenset(w.translate(_YEH_KAF) for w in
                        "البته الان الاغ الاغها الهی الکی الو الگو الهام الماس".split())
# Other scripts: the language their text is (for the "not covered" decision).
_OTHER_SCRIPTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\u0590-\u05ff]"), "he"), (re.compile(r"[\u0370-\u03ff]"), "el"),
    (re.compile(r"[\u3040-\u30ff]"), "ja"), (re.compile(r"[\uac00-\ud7af]"), "ko"),
    (re.compile(r"[\u4e00-\u9fff]"), "zh"), (re.compile(r"[\u0900-\u097f]"), "hi"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"), (re.compile(r"[\u0530-\u058f]"), "hy"),
    (re.compile(r"[\u10a0-\u10ff]"), "ka"),
)
UNDETERMINED = "und"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence (``text[start:end]``), its most likely language and every language with
    some evidence in it (empty: nothing known). ``guessed``: the candidates are py3langid's
    Turkish-or-Kurmanji guess on a short text with too little evidence of its own."""

    start: int
    end: int
    language: str
    candidates: frozenset[str] = field(default_factory=frozenset)
    guessed: bool = False


@dataclass(frozen=True, slots=True)
class Detection:
    """A comment's sentences with their languages (one sentence when they all agree)."""

    sentences: tuple[Sentence, ...]

    @property
    def languages(self) -> list[str]:
        """The languages seen, most text first; ``und`` only when nothing else was."""
        if len(self.sentences) == 1:  # most comments
            return [self.sentences[0].language]
        weight: dict[str, int] = {}
        for s in self.sentences:
            weight[s.language] = weight.get(s.language, 0) + (s.end - s.start)
        if len(weight) > 1:
            weight.pop(UNDETERMINED, None)
        return sorted(weight, key=lambda k: -weight[k])

    def may_be(self, languages: set[str] | frozenset[str]) -> bool:
        """Could any sentence be in one of these languages (a candidate, or nothing known)?"""
        for s in self.sentences:  # a loop, not any(generator): it runs for every comment
            if not s.candidates or not languages.isdisjoint(s.candidates):
                return True
        return False

    def sentence_at(self, index: int) -> Sentence | None:
        """The sentence holding character ``index`` of the comment."""
        for s in self.sentences:
            if s.start <= index < s.end:
                return s
        return None


def detect(text: str) -> Detection:
    """Language per sentence. A comment whose sentences all agree is one sentence."""
    if text.isascii():
        return _detect_cached(text) if len(text) <= 280 else _detect(text)
    return _detect(text)


@lru_cache(maxsize=4096)
def _detect_cached(text: str) -> Detection:
    return _detect(text)


def _detect(text: str) -> Detection:
    whole = _sentence(text, 0, len(text))
    if len(whole.candidates) <= 1 or whole.guessed:  # one language (or a guess): no split
        return Detection((whole,))
    parts = [m.span() for m in _SENTENCE.finditer(text) if m.group().strip()]
    if len(parts) <= 1:
        return Detection((whole,))
    found = [_sentence(text[a:b], a, b) for a, b in parts]
    # A sentence with too little evidence of its own ("No thanks!", "Die crumb!") is taken to
    # be in the comment's language.
    found = [s if s.candidates and not s.guessed else Sentence(s.start, s.end, whole.language)
             for s in found]
    if len({s.language for s in found}) <= 1:
        return Detection((whole,))
    # The gaps (punctuation, line ends) belong to the sentence before them.
    spread = [Sentence(s.start if i else 0, found[i + 1].start if i + 1 < len(found)
                       else len(text), s.language, s.candidates)
              for i, s in enumerate(found)]
    return Detection(tuple(spread))


def _sentence(part: str, start: int, end: int) -> Sentence:
    """Language and candidates of one stretch of text."""
    if part.isascii():
        lang, cands, guessed = _latin(part.lower(), ascii_only=True)
        return Sentence(start, end, lang, cands, guessed)
    n_arabic, n_latin, n_cyrillic = _script_counts(part)
    if n_arabic and n_arabic >= n_latin:
        lang, cands = _arabic_script(part)
        if n_latin >= 4:  # mixed: English (or other) words inside an Arabic-script sentence
            cands = cands | _latin(part.lower(), ascii_only=False, identify=False)[1]
        return Sentence(start, end, lang, cands)
    if n_cyrillic > n_latin:
        lang = "uk" if re.search(r"[іїєґІЇЄҐ]", part) else "ru"
        return Sentence(start, end, lang, frozenset({lang}))
    if n_latin:
        lang, cands, guessed = _latin(part.lower(), ascii_only=False)
        if n_arabic:  # Arabic-script words too: py3langid's guess was made without them
            cands = (frozenset() if guessed else cands) | _arabic_script(part)[1]
            guessed = False
        return Sentence(start, end, lang, cands, guessed)
    for rx, lang in _OTHER_SCRIPTS:
        if rx.search(part):
            return Sentence(start, end, lang, frozenset({lang}))
    return Sentence(start, end, UNDETERMINED)


def _latin(low: str, *, ascii_only: bool,
           identify: bool = True) -> tuple[str, frozenset[str], bool]:
    """Language, candidates and whether the candidates are py3langid's guess (``identify``:
    ask it when the function words are too few)."""
    scores: dict[str, float]
    if ascii_only:
        scores, digits = _function_words(low)  # digits: only ones Arabizi may use
    else:
        scores = _count(_FUNCTION_WORD_LANGS[w]
                        for w in _FUNCTION_WORDS.intersection(_LATIN_WORD.findall(low)))
        digits = _DIGIT.search(low) is not None
        for ch, pointers in _LATIN_LETTERS.items():
            k = low.count(ch)
            if k:
                for lang, w in pointers:
                    scores[lang] = scores.get(lang, 0.0) + w * min(k, 4)
    if digits:
        # digits for letters (3 = ع, 7 = ح): one such word is weak evidence ("y2k", "5th")
        found = len(_ARABIZI_DIGIT.findall(low))
        if found:
            scores["ar"] = scores.get("ar", 0.0) + (0.75 if found == 1 else 1.5)
    if not scores:
        lang, cands = _weak_latin(low, "en" if ascii_only else UNDETERMINED, identify)
        return lang, cands, bool(cands)
    best = max(scores, key=lambda k: (scores[k], _LATIN_RANK[k]))
    top = scores[best]
    if top <= 1.0:  # one function word ("para", "de"): too little to rule others out
        lang, cands = _weak_latin(low, best if not ascii_only else "en", identify)
        # a recognised Turkish or Kurmanji sentence keeps the function word's languages too
        # ("ya manyak" may be Arabizi)
        return lang, (cands | frozenset(scores)) if cands else cands, bool(cands)
    # A language with a fraction of the winner's evidence is a stray shared word ("in" is
    # English and Kurmanji, "de" half of Europe), not a second language.
    return best, frozenset(k for k, v in scores.items() if v >= 0.5 * top), False


def _count(langs_of_words: Iterable[tuple[str, ...]]) -> dict[str, float]:
    """Each language's number of distinct function words."""
    scores: dict[str, float] = {}
    for langs in langs_of_words:
        for lang in langs:
            scores[lang] = scores.get(lang, 0.0) + 1.0
    return scores


def _function_words_python(low: str) -> tuple[dict[str, float], bool]:
    """An ASCII text's function-word count per language, and whether it may have Arabizi (a
    digit 2, 3, 5, 7 or 9 touching a letter, as every _ARABIZI_DIGIT match has). Bytes: one
    C-level translate and split (a third of a regex's time)."""
    raw = low.encode("ascii")
    hits = _FUNCTION_WORDS_B.intersection(raw.translate(_ASCII_LETTERS).split())
    arabizi = bool(raw.translate(None, _NOT_DIGITS)) and _ARABIZI_NEAR.search(low) is not None
    return _count(_FUNCTION_WORD_LANGS_B[w] for w in hits), arabizi


def _script_counts_python(part: str) -> tuple[int, int, int]:
    """How many Arabic-script, Latin and Cyrillic characters the text has."""
    return (len(_ARABIC_SCRIPT.findall(part)), len(_LATIN_LETTER.findall(part)),
            len(_CYRILLIC.findall(part)))


def _function_words_c(low: str) -> tuple[dict[str, float], bool]:
    """The same in C (no Python object per word), which every English comment pays."""
    found: tuple[dict[str, float], bool] = _plainscan.function_words(
        low, _PACKED_KEYS, _PACKED_LANGS)
    return found


try:
    import moderation.rules.native._plainscan as _plainscan  # type: ignore[import-not-found]
except ImportError:  # no C compiler at install: the Python loops
    _function_words = _function_words_python
    _script_counts = _script_counts_python
else:
    _function_words = _function_words_c
    _script_counts = _plainscan.script_counts


# What py3langid may answer for a short Latin-script text, and the site's code for it.
_LANGID_CHOICES = ("en", "tr", "ku", "de", "fr", "es", "it", "pt", "nl")
_LANGID_SITE = {"tr": "tr", "ku": "kmr"}
# On a few words py3langid does not tell Turkish from Kurmanji reliably ("Ey beraz" is
# Kurmanji), so either answer lets both languages' lists read the sentence.
_TURKISH_OR_KURMANJI = frozenset({"tr", "kmr"})


def _weak_latin(low: str, default: str, identify: bool = True) -> tuple[str, frozenset[str]]:
    """A short Latin-script text with too little evidence: py3langid's character n-gram model
    (when installed; restricted to the languages above) may recognise Turkish or Kurmanji
    ("Siktir git lan", "Ereban derxin"): then only those two languages' lists read the sentence
    (Arabizi ``manyak`` is Turkish "crazy" in "Bu manyak");
    anything else keeps ``default`` (English for plain ASCII: "No.", "Die crumb!" must not be
    reported as German) and no candidate (nothing known)."""
    identifier = _langid()
    if identifier is None or not identify or len(low.split()) < 2:  # one word: nothing to go on
        return default, frozenset()
    lang = _LANGID_SITE.get(identifier.classify(low)[0])
    return (default, frozenset()) if lang is None else (lang, _TURKISH_OR_KURMANJI)


@lru_cache(maxsize=1)
def _langid() -> Any:
    """py3langid's identifier, loaded once (about a second; Engine() loads it up front)."""
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:
        return None
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(list(_LANGID_CHOICES))
    return identifier


def warm() -> None:
    """Load what detection needs now rather than on the first short comment."""
    _langid()


def _arabic_script(part: str) -> tuple[str, frozenset[str]]:
    scores: dict[str, float] = {}
    letters = set(part)
    sorani = sum(part.count(c) for c in _SORANI_LETTERS & letters)
    if sorani:
        scores["ckb"] = 1.5 * sorani
    persian = sum(part.count(c) for c in _PERSIAN_LETTERS & letters)
    arabic = sum(part.count(c) for c in _ARABIC_LETTERS & letters)
    keyboard = sum(part.count(c) for c in _ARABIC_KEYBOARD & letters)
    zwnj = part.count("\u200c")  # Persian (and Sorani) glue: می‌شود, عرب‌ها; Arabic has none
    words = part.translate(_HARAKAT).translate(_YEH_KAF).split()
    seated = [w.translate(_HAMZA_SEATS) for w in words]
    hits = len(_ARABIC_FUNCTION_FOLDED.intersection(seated))
    if hits:
        scores["ar"] = 2.0 * hits
    for lang, fw in _OTHER_FUNCTION_FOLDED.items():
        hits = len(fw.intersection(words))
        if hits:
            scores[lang] = scores.get(lang, 0.0) + 2.0 * hits
    if not sorani:
        verbs = sum(1 for w in words if _PERSIAN_VERB.match(w))
        if persian or verbs or zwnj:
            scores["fa"] = (scores.get("fa", 0.0) + 0.5 * persian + 1.5 * min(verbs, 3)
                            + 0.5 * min(zwnj, 4))
    article = sum(1 for w in seated if w.startswith(("ال", "وال", "بال")) and len(w) > 3
                  and w not in _PERSIAN_AL)
    # ي and ك are Arabic letters unless the text shows Persian otherwise (its words, verbs,
    # letters): then they are only the keyboard it was typed on
    keyboard *= 0.1 if "fa" in scores else 0.5
    if arabic or article or keyboard:
        scores["ar"] = scores.get("ar", 0.0) + 0.5 * arabic + 1.0 * article + keyboard
    if not scores:
        return UNDETERMINED, _ARABIC_SCRIPT_LANGUAGES
    best = max(scores, key=lambda k: scores[k])
    top = scores[best]
    if top < _CLEAR:  # a word or two without telling letters: any of the three
        return best, _ARABIC_SCRIPT_LANGUAGES
    # Persian and Sorani share letters with each other, Arabic its article with both: a weak
    # second language is kept only when it has real evidence (half the winner's score).
    return best, frozenset(k for k, v in scores.items() if v >= 0.5 * top or k == best)


_CLEAR = 3.0
_ARABIC_SCRIPT_LANGUAGES = frozenset({"ar", "fa", "ckb"})
