"""Off-topic: a long comment that shares no content word with the article it is posted under.

Deliberately crude and conservative: relevance is welcomed by the guidelines, not required, so
this only produces a note (or a review, if a site asks for it), never a rejection by default.
"""

from __future__ import annotations

import re

from moderation.models import Article
from moderation.normalize import NormalizedText, fold

_WORD = re.compile(r"[^\W\d_]{4,}")
_COUNTED_WORD = re.compile(r"[^\W_]{2,}")  # words of two letters or digits or more
_STOP = frozenset(
    "about above after again against also been before being below between both could does doing "
    "down during each even ever every from further have having here hers herself himself into "
    "itself just like more most much must myself never only other ought ours over same should some "
    "such than that their theirs them themselves then there these they this those through under "
    "until very want were what when where which while will with would your yours yourself "
    "people think know really because said says right well going make made many much still "
    "good time back thing things need don't dont didn't didnt can't cant it's thats that's".split()
)


def content_stems(text: str) -> set[str]:
    """Content words cut to five letters, a cheap stand-in for stemming."""
    folded, _ = fold(text)
    return {w[:5] for w in _WORD.findall(folded) if w not in _STOP}


def off_topic(nt: NormalizedText, article: Article | None, min_words: int,
              min_overlap: int) -> bool:
    """True when the comment is long enough to judge and overlaps the article too little."""
    if article is None or not (article.title or article.text):
        return False
    if len(_COUNTED_WORD.findall(nt.folded)) < min_words:
        return False
    article_stems = content_stems(" ".join(filter(None, [article.title, article.text])))
    comment_stems = content_stems(nt.original)
    return len(article_stems & comment_stems) < min_overlap
