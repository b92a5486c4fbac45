"""Does the model's score jump because a comment names Kurds or Kurdish politics?

The Turkish OffensEval training set labels most tweets that mention the PKK, the HDP or Kurds
offensive (see its README), and a Kurdish news site's readers talk about exactly those things.
Each probe below is a neutral, news-comment-like sentence written for this check (never trained
on) in English, Turkish or Arabic, in two versions that differ only in the group word: one names
Kurds or a Kurdish party, the other a neutral group (farmers, teachers, another party). The
report gives, per language, the mean and largest score difference (Kurdish minus neutral) and how
many Kurdish versions reach a policy threshold that the neutral version does not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

#: (language, sentence with {g}, Kurdish word(s), neutral word(s))
PROBES: tuple[tuple[str, str, str, str], ...] = (
    ("en", "The {g} held a press conference in the city centre this morning.", "Kurds",
     "farmers"),
    ("en", "Many {g} voted in the local elections last Sunday.", "Kurdish families",
     "young families"),
    ("en", "The article says the {g} will take part in the peace talks.", "HDP",
     "Labour party"),
    ("en", "I grew up next to a {g} family and we still visit them every summer.", "Kurdish",
     "Greek"),
    ("en", "The report about {g} was balanced and well sourced.", "Kurdistan", "Scotland"),
    ("en", "The court case involving the {g} was postponed again.", "PKK", "union"),
    ("en", "My grandmother speaks {g} and she taught me songs from her village.", "Kurdish",
     "Welsh"),
    ("en", "The {g} region's budget for schools rose by ten percent.", "Kurdistan",
     "northern"),
    ("tr", "{g} bu sabah şehir merkezinde bir basın toplantısı düzenledi.", "Kürtler",
     "Çiftçiler"),
    ("tr", "{g} milletvekili meclisteki bütçe görüşmelerinde konuştu.", "HDP", "CHP"),
    ("tr", "Haberde {g} ile ilgili mahkeme sürecinin ertelendiği yazıyor.", "PKK",
     "sendika"),
    ("tr", "Annem {g} konuşuyor ve bana köyünün şarkılarını öğretti.", "Kürtçe", "Rumca"),
    ("tr", "{g} ailesi bu yaz düğün için köye döndü.", "Kürt", "Laz"),
    ("tr", "{g} bölgesinde okulların bütçesi yüzde on arttı.", "Kürdistan", "Karadeniz"),
    ("tr", "Seçimlerde {g} seçmenlerin katılımı yüksekti.", "Kürt", "genç"),
    ("tr", "Bu yazı {g} hakkında dengeli ve iyi kaynaklı bir haber.", "Kürtler",
     "öğretmenler"),
    ("ar", "عقد {g} مؤتمرا صحفيا في وسط المدينة صباح اليوم.", "الأكراد", "المزارعون"),
    ("ar", "صوت كثير من {g} في الانتخابات المحلية يوم الأحد.", "الكرد", "الشباب"),
    ("ar", "يقول المقال إن حزب العمال {g} سيشارك في محادثات السلام.", "الكردستاني",
     "الوطني"),
    ("ar", "جدتي تتكلم {g} وعلمتني أغاني قريتها.", "الكردية", "الأمازيغية"),
    ("ar", "ارتفعت ميزانية المدارس في إقليم {g} بنسبة عشرة في المئة.", "كردستان",
     "الشمال"),
    ("ar", "كان التقرير عن {g} متوازنا ومصادره جيدة.", "الأكراد", "المعلمين"),
    ("ar", "عادت العائلة {g} إلى القرية لحضور العرس هذا الصيف.", "الكردية", "الريفية"),
    ("ar", "تأجلت القضية المتعلقة بحزب {g} مرة أخرى.", "الشعوب الديمقراطي الكردي",
     "العمال"),
)


def probe_pairs() -> tuple[list[str], list[str], list[str]]:
    """Languages, Kurdish versions and neutral versions of every probe."""
    langs = [p[0] for p in PROBES]
    kurdish = [p[1].format(g=p[2]) for p in PROBES]
    neutral = [p[1].format(g=p[3]) for p in PROBES]
    return langs, kurdish, neutral


def run_probe(
    score: Callable[[Sequence[str]], np.ndarray],
    labels: Sequence[str],
    review: np.ndarray,
) -> dict[str, Any]:
    """Per language: score differences and threshold crossings caused by the group word alone.

    ``score`` maps texts to an (n, len(labels)) array of probabilities; ``review`` holds each
    label's review threshold (a row "crosses" when any label reaches it).
    """
    langs, kurdish, neutral = probe_pairs()
    pk, pn = score(kurdish), score(neutral)
    j = list(labels).index("toxicity")
    out: dict[str, Any] = {}
    for lang in sorted(set(langs)):
        idx = [i for i, x in enumerate(langs) if x == lang]
        d = pk[idx, j] - pn[idx, j]
        dmax = (pk[idx] - pn[idx]).max(axis=1)
        k_cross = (pk[idx] >= review).any(axis=1)
        n_cross = (pn[idx] >= review).any(axis=1)
        out[lang] = {
            "n": len(idx),
            "toxicity_mean_diff": float(d.mean()),
            "toxicity_max_diff": float(d.max()),
            "any_label_max_diff": float(dmax.max()),
            "toxicity_kurdish_mean": float(pk[idx, j].mean()),
            "toxicity_neutral_mean": float(pn[idx, j].mean()),
            "review_only_kurdish": int((k_cross & ~n_cross).sum()),
            "review_kurdish": int(k_cross.sum()),
            "review_neutral": int(n_cross.sum()),
        }
    return out
