"""The elements of an open-Q-cat file as the reader sees them.

`Service` indexes one SERVICE (or the HEADER) by element name and remembers which elements
the reader used, for the report of what was not taken over (`unused.py`); the helpers read
an element's text the same way everywhere.
"""

from xml.etree.ElementTree import Element

from offerings.imports import codes
from offerings.imports.openqcat.unused import unused_paths

# The portal's own classification, written by its export (offerings/exporters.py).
OWN_CLASSIFICATION = "BeWeQO"


def clean(text: str) -> str:
    return " ".join(text.split())


def as_bool(text: str) -> bool | None:
    text = text.strip().lower()
    if text in codes.TRUE_WORDS:
        return True
    if text in codes.FALSE_WORDS:
        return False
    return None


def child_text(parent: Element, tag: str) -> str:
    element = next(parent.iter(tag), None)
    return clean("".join(element.itertext())) if element is not None else ""


class Service:
    """One SERVICE element being read: its elements by name (MODULE_COURSEs apart), and
    which of them the reader used."""

    def __init__(self, root: Element):
        self.root = root
        self.used: set[int] = {id(root)}
        self.index: dict[str, list[Element]] = {}
        self.courses: list[Element] = []
        self._collect(root)

    def _collect(self, element: Element) -> None:
        for child in element:
            if child.tag == "MODULE_COURSE":
                self.courses.append(child)
                continue
            self.index.setdefault(child.tag, []).append(child)
            self._collect(child)

    def all(self, tag: str) -> list[Element]:
        return self.index.get(tag, [])

    def first(self, tag: str) -> Element | None:
        found = self.index.get(tag)
        return found[0] if found else None

    def use(self, element: Element | None) -> None:
        if element is not None:
            self.used.update(id(e) for e in element.iter())

    def text(self, element: Element | None) -> str:
        """The element's text on one line; the element and everything in it count as used."""
        if element is None:
            return ""
        self.use(element)
        return clean("".join(element.itertext()))

    def long_text(self, element: Element | None) -> str:
        """Descriptions keep their line breaks; only the ends are trimmed."""
        if element is None:
            return ""
        self.use(element)
        return "".join(element.itertext()).replace("\r\n", "\n").strip()

    def code(self, element: Element | None) -> str:
        """The `type` attribute of a coded element; its own text is only the code's label
        (what is inside it is not read)."""
        if element is None:
            return ""
        self.used.add(id(element))
        return (element.get("type") or "").strip()

    def unuse(self, element: Element) -> None:
        """A value that could not be mapped is reported like one that was not read."""
        self.used.difference_update(id(e) for e in element.iter())

    @staticmethod
    def child(parent: Element | None, tag: str) -> Element | None:
        return next(parent.iter(tag), None) if parent is not None else None

    def unused(self) -> dict[str, int]:
        """Path → count of the elements with content the reader did not use; an element
        none of whose content was used is named once, not by its parts."""
        return unused_paths(self.root, self.used)
