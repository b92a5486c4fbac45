"""Inflected forms of a stem, so a list need not spell every one.

Arabic, Persian and Sorani attach articles, prepositions and pronouns to the word (الكلب "the
dog", يا كلب "o dog", كلبك "your dog"); Turkish and Kurmanji add case, plural and person
suffixes (şerefsizler, şerefsizsin; kûçikê, kûçikno). A list entry ending in ``*`` is a stem and
is expanded here, once per policy version, into the forms a comment may hold: matching stays
one set lookup per token. Persian -اند/-ند ("they are": وحشی‌اند), Sorani and Persian -تر/-ترین
(پیسترین "the dirtiest") and Turkish -li/-lu (mikroplu) are there because a predicate is the
usual place for the insulting word. An Arabic entry written in Arabizi (``7mar``) becomes the
one form such a word takes (moderation.normalize.arabizi_form), without affixes. Affixes are
written as the language writes them and folded as comments are
(moderation.normalize.fold_entry), so ``ة`` and ``ه`` or ``ş`` and ``s`` agree.
"""

from __future__ import annotations

from functools import lru_cache

from moderation.normalize import arabizi_form, fold_entry

_PREFIXES: dict[str, tuple[str, ...]] = {
    "arabic": ("", "و", "ف", "ب", "ل", "ال", "وال", "بال", "فال", "لل", "ولل", "يا", "ك",
               "هال", "عال"),  # Levantine هالعرب "these Arabs", عالعرب "on the Arabs"
    "persian": ("", "ب", "و"),
    "sorani": ("", "و", "بە", "لە"),
    "turkish": ("",),
    "kurmanji": ("",),
    "german": ("",),
    "romance": ("",),
    "russian": ("",),
    "none": ("",),
}
_SUFFIXES: dict[str, tuple[str, ...]] = {
    "arabic": ("", "ه", "ها", "هم", "هن", "ك", "كم", "كن", "ي", "ين", "ون", "ات", "يه", "ا",
               "نا", "تك", "تها", "تهم", "ته", "تي", "يات", "يين", "وا"),
    "persian": ("", "ها", "های", "هایی", "ی", "یی", "ای", "ت", "تو", "ش", "شون", "م", "ان",
                "ا", "ترین", "تر", "ه", "هه", "ید", "اند", "ند", "هاند", "ن"),
    "sorani": ("", "ە", "ەکە", "ەکان", "ان", "ێک", "ی", "ت", "م", "مان", "تان", "یان", "ن",
               "ەکەت", "ەکانت", "یش", "ێکی", "ەکەی", "ێ", "نە", "ینە", "کە", "کان", "کانی",
               "ەکانی", "ەکانە", "ەکانن", "ێکە", "یەکان", "یەکە", "ییەکان", "ییەکە", "یێک",
               "یت", "ین", "یە", "ییە", "یی", "ە", "ەن", "ەیت", "ەکەم", "ەکەمان", "تر", "ترین",
               "ترن", "تره", "انە", "انەی", "انەش", "انیش", "ەکانیش"),
    "turkish": ("", "ler", "lar", "in", "ın", "un", "ün", "i", "ı", "u", "ü", "e", "a", "de",
                "da", "den", "dan", "le", "la", "sin", "sın", "sun", "sün", "siniz", "sınız",
                "lerin", "ların", "leri", "ları", "ce", "ca", "lik", "lık", "ligi", "lığı",
                "nin", "nın", "yi", "yı", "ye", "ya", "dir", "dır", "ler", "sunuz", "im", "ım",
                "iz", "ız", "lerden", "lardan", "lere", "lara", "ken", "sınız", "siniz",
                "leriz", "larız", "ciler", "cılar", "lik", "çe", "ça", "tir", "tır", "tur",
                "tür", "dur", "dür", "lerdir", "lardır", "ine", "ına", "ini", "ını", "inde",
                "ında", "lerine", "larına", "sın", "li", "lı", "lu", "lü", "ten", "tan", "te",
                "ta"),
    "kurmanji": ("", "ê", "a", "î", "ên", "an", "ekî", "ek", "in", "e", "yê", "ya", "yî",
                 "yên", "no", "ino", "ina", "ine", "ekê", "ano", "yan", "yano", "yê", "î",
                 "ê", "ekî", "eke", "ên", "ek"),
    "german": ("", "e", "en", "er", "es", "n", "s", "in", "innen", "ern"),
    "romance": ("", "s", "es", "a", "as", "o", "os", "e"),
    "russian": ("", "а", "у", "е", "ой", "ом", "ы", "и", "ов", "ам", "ами", "ах", "ь", "ая",
                "ый", "ое", "ие", "ого", "ую", "ей", "ю", "я"),
    "none": ("",),
}
_ARABIC_PRONOUNS = ("ك", "كم", "ه", "ها", "هم", "ي", "نا")


def is_stem(entry: str) -> bool:
    return entry.endswith("*") and " " not in entry


def expand(entries: tuple[str, ...], morphology: str) -> list[str]:
    """Every entry as written (folded), stems (``word*``) with their affixed forms."""
    return list(_expand(entries, morphology))


@lru_cache(maxsize=512)
def _expand(entries: tuple[str, ...], morphology: str) -> tuple[str, ...]:
    prefixes = _folded(_PREFIXES[morphology])
    suffixes = _folded(_SUFFIXES[morphology])
    out: dict[str, None] = {}
    for entry in entries:
        if morphology == "arabic" and entry.isascii():
            # Arabizi ("7mar", "a2tlak"): only the form the tokenizer gives such a word, never
            # its leetspeak reading ("ra7" is not "rat")
            arabizi = arabizi_form(entry.lower())
            if arabizi is not None:
                out[arabizi] = None
                continue
        if not is_stem(entry):
            out[fold_entry(entry)] = None
            continue
        stem = fold_entry(entry[:-1])
        stems = [stem]
        if morphology == "arabic" and stem.endswith("ه"):  # teh marbuta before a pronoun
            stems.append(stem[:-1] + "ت")
        for s in stems:
            for p in prefixes:
                for x in suffixes:
                    if s != stem and x not in _folded(_ARABIC_PRONOUNS):
                        continue
                    out[p + s + x] = None
    return tuple(out)


@lru_cache(maxsize=64)
def _folded(affixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(fold_entry(a) for a in affixes))
