"""Collect the links of an HTML document with the standard library's parser."""

from __future__ import annotations

from html.parser import HTMLParser


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str]] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "a":
            self.links.append({k: v or "" for k, v in attrs})


def links(html: str) -> list[dict[str, str]]:
    """The attributes of every ``<a>`` in ``html``, in document order (entities decoded)."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.links


def tags(html: str) -> set[str]:
    """The element names used in ``html``."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.tags
