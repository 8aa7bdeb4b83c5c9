"""User text: Markdown in, safe HTML out."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from participai.core.text import clean_plain, render_markdown


def test_markdown_is_rendered():
    html = render_markdown("# Title\n\n**bold** and [a link](https://example.org)")
    assert "<h2>Title</h2>" in html  # shifted below the page's h1
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_raw_html_and_scripts_never_survive():
    html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(2)">')
    assert "<script" not in html and "<img" not in html
    assert "onerror=" not in html.replace("&quot;", '"').split("&lt;img")[0]


def test_javascript_links_are_dropped():
    html = render_markdown("[click](javascript:alert(1))")
    assert "href" not in html  # left as plain text, never a link


@given(st.text(max_size=300))
def test_no_input_yields_a_script_tag_or_event_handler(text):
    html = render_markdown(text).lower()
    assert "<script" not in html
    assert "<iframe" not in html
    assert " onerror=" not in html and " onclick=" not in html


def test_clean_plain_strips_control_characters():
    assert clean_plain("  A\x00 title\x1b \n") == "A title"
    assert clean_plain("Line one\nLine two") == "Line one\nLine two"
