"""Minutes and agendas are Markdown, rendered and sanitised: nothing that runs survives."""

from html.parser import HTMLParser

import pytest

from common.markdown import ALLOWED_TAGS, markdown_to_html

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="https://beweqo.example" onclick="alert(1)">Link</a>',
    "[Klick](javascript:alert(1))",
    "[Klick](JaVaScRiPt:alert(1))",
    "[Klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<svg onload=alert(1)>",
    "![Bild](https://evil.example/x.png)",
]


class Elements(HTMLParser):
    """The elements and attributes of rendered HTML, as a browser would parse them."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_that_runs_survives(text):
    for tag, attributes in Elements(str(markdown_to_html(text))).found:
        assert tag in ALLOWED_TAGS, (text, tag)
        assert not any(name.startswith("on") or name == "style" for name in attributes), text
        for name in ("href", "src"):
            if name in attributes:
                assert attributes[name].split(":")[0].lower() in {"http", "https", "mailto"}, text


def test_raw_html_is_shown_as_text_not_dropped():
    # A lead who types <b> sees it back as text: nothing is silently lost.
    assert "&lt;script&gt;" in markdown_to_html("<script>alert(1)</script>")


def test_ordinary_markdown_renders():
    html = markdown_to_html(
        "## Berichte\n\n- **IHK**: neue Kurse\n- [Portal](https://beweqo.example/kurse/)\n\n"
        "| TOP | Ergebnis |\n|---|---|\n| 1 | angenommen |"
    )
    assert "<h2>Berichte</h2>" in html
    assert "<strong>IHK</strong>" in html
    assert 'href="https://beweqo.example/kurse/"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<td>angenommen</td>" in html
