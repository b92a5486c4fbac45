"""HTML comment bodies -> plain text the engine can judge, with a map back to the original.

Coral sends ``comment.body`` as sanitised HTML (``<div>``, ``<br>``, ``<b>``, ``<a>``, entities)
when its phase format is HTML, and WordPress comments reach Akismet with their markup. The engine
must see the words ("&lt;b&gt;idiot" is not "idiot", "f<b>uc</b>k" is "fuck") while the stored
submission keeps the body exactly as received. ``offsets[i]`` is the ``(start, end)`` slice of the
original that produced ``text[i]``, so evidence found in the text points at the original.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

#: Tags after which a reader sees a line break: they separate words, so they become "\n".
_BLOCK_TAGS = frozenset({
    "br", "p", "div", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "td", "th", "table", "hr", "pre", "section", "article", "header", "footer",
})
#: Tags whose content is not text a reader sees.
_SKIP_CONTENT = frozenset({"script", "style", "template"})

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>|<!--.*?-->|<![^>]*>|<\?[^>]*>", re.S)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?")


@dataclass(frozen=True)
class PlainText:
    text: str
    offsets: list[tuple[int, int]] | None  # None: the text IS the original (identity map)

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        """The original slice that produced ``text[start:end]``."""
        if self.offsets is None or start >= end:
            return start, end
        return self.offsets[start][0], self.offsets[end - 1][1]


def looks_like_html(body: str) -> bool:
    return "<" in body or "&" in body


def to_plain_text(body: str) -> PlainText:
    """Strip tags, decode entities, turn block tags into line breaks; keep the offset map."""
    if not looks_like_html(body):
        return PlainText(body, None)
    out: list[str] = []
    offsets: list[tuple[int, int]] = []
    i, n = 0, len(body)
    skipping: str | None = None
    while i < n:
        ch = body[i]
        if ch == "<":
            m = _TAG.match(body, i)
            if m is not None:
                closing, name = m.group(1), (m.group(2) or "").lower()
                if skipping is not None:
                    if closing and name == skipping:
                        skipping = None
                elif name in _SKIP_CONTENT and not closing:
                    skipping = name
                elif name in _BLOCK_TAGS and out and out[-1] != "\n":
                    out.append("\n")
                    offsets.append((m.start(), m.end()))
                i = m.end()
                continue
        if skipping is not None:
            i += 1
            continue
        if ch == "&":
            m = _ENTITY.match(body, i)
            if m is not None:
                decoded = html.unescape(m.group(0))
                if decoded != m.group(0):
                    for c in decoded:
                        out.append(c)
                        offsets.append((m.start(), m.end()))
                    i = m.end()
                    continue
        out.append(ch)
        offsets.append((i, i + 1))
        i += 1
    return PlainText("".join(out), offsets)
