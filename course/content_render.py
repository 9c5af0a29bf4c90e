"""Turn lesson Markdown into safe HTML and a table of contents (once, at start-up)."""

from __future__ import annotations

import markdown
import nh3

EXTENSIONS = ["toc", "tables", "admonition", "footnotes", "attr_list", "def_list", "abbr",
              "pymdownx.superfences", "pymdownx.details", "pymdownx.tilde", "pymdownx.magiclink", "sane_lists"]

ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"details", "summary", "dl", "dt", "dd", "sup", "del", "hr",
                                   "table", "thead", "tbody", "tr", "th", "td", "abbr"}
ALLOWED_ATTRIBUTES = {"*": {"id", "class", "title"}, "a": {"href"}, "th": {"scope"}}


def render_markdown(text: str) -> tuple[str, list[tuple[str, str, int]]]:
    """Return sanitised HTML and the (id, title, level) of its level-2 and level-3 headings.
    """
    md = markdown.Markdown(
        extensions=EXTENSIONS,
        extension_configs={"toc": {"toc_depth": "2-3"}},
    )
    html = md.convert(text)
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      link_rel="noopener noreferrer", url_schemes={"http", "https", "mailto"})
    return clean, list(_headings(md.toc_tokens))  # type: ignore[attr-defined]


def _headings(tokens: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    for token in tokens:
        level = int(token["level"])  # type: ignore[call-overload]
        if level in (2, 3):
            yield str(token["id"]), _plain(str(token["name"])), level
        yield from _headings(token["children"])  # type: ignore[arg-type]


def _plain(name: str) -> str:
    return nh3.clean(name, tags=set()).replace("&amp;", "&")


def render_inline(text: str) -> str:
    """Render a short Markdown text (a definition) to safe HTML without a wrapping paragraph."""
    html, _ = render_markdown(text)
    return html.strip().removeprefix("<p>").removesuffix("</p>")
