"""Read an exercise page the way a browser would: what its form sends, its ids and its buttons."""

from __future__ import annotations

from html.parser import HTMLParser


class FormPage(HTMLParser):
    """Collect every id on the page and, from the autosaving exercise form, the fields a browser
    would send when saving (ticked boxes only, the chosen option) and the action buttons' names."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.fields: dict[str, list[str]] = {}
        self.buttons: dict[str, str] = {}  # action value -> accessible name (all text inside)
        self._in_form = False
        self._textarea: str | None = None
        self._button: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str | None, bool, str]] = []  # value attribute, selected, text
        self._text = ""
        self.feed(html)

    def _add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "form" and "data-autosave" in a:
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name", "")
        if tag == "input" and a.get("type") in ("checkbox", "radio"):
            if "checked" in a:
                self._add(name, a.get("value", "on"))
        elif tag == "input" and name:
            self._add(name, a.get("value", ""))
        elif tag == "textarea":
            self._textarea, self._text = name, ""
        elif tag == "select":
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value") if "value" in a else None, "selected" in a, ""))
        elif tag == "button" and name == "action":
            self._button, self._text = a["value"], ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None or self._button is not None:
            self._text += data
        elif self._select is not None and self._options:
            value, chosen, text = self._options[-1]
            self._options[-1] = (value, chosen, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            # a browser drops the one newline that follows <textarea>
            self._add(self._textarea, self._text.removeprefix("\n"))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            picked = [o for o in self._options if o[1]] or self._options[:1]
            if picked:
                value, _, text = picked[0]
                self._add(self._select, text.strip() if value is None else value)
            self._select = None
        elif tag == "button" and self._button is not None:
            assert self._button == "save" or self._button not in self.buttons, f"two buttons do {self._button}"
            self.buttons[self._button] = " ".join(self._text.split())
            self._button = None
