"""The one link rule (`content/links.py`): which addresses content may link to, and where a refused one is written."""

from __future__ import annotations

import pytest

from briefgen.content.links import address_spot, link_problem, safe_href


@pytest.mark.parametrize("href", ["https://example.org", "HTTP://EXAMPLE.ORG", "mailto:a@b.org", "#block-x"])
def test_web_mail_and_anchors_are_the_only_addresses_kept(href: str):
    assert safe_href(href) == href and link_problem(href) is None


@pytest.mark.parametrize("href", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "//evil.example"])
def test_every_other_address_is_dropped(href: str):
    assert safe_href(href) is None and link_problem(href)


def test_a_long_address_without_a_scheme_is_quoted_cut_to_sixty_characters():
    assert link_problem("folder/" + "a" * 70) == (
        "the link address 'folder/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is not a full web address, "
        "so a reader's browser would decide where it goes; write it whole, starting with https://, or link to "
        "#anchors in this brief"
    )
    assert link_problem("vbscript:x") == (
        "links to 'vbscript:' addresses are not allowed; link only to http(s), mailto or #anchors in this brief"
    )


SOURCE = "One [a][r] and [b](java&#115;cript:y) and [c](javascript:y).\n\n[r]:\n  javascript:z"


@pytest.mark.parametrize(
    ("source", "href", "nth", "spot"),
    [
        ("See [a](<javascript:x>) now.", "javascript:x", 0, ("<javascript:x>", 0)),  # the brackets are written
        ("[a](<java script:x>)", "java%20script:x", 0, ("<java script:x>", 0)),  # Pandoc percent-encodes the space
        (SOURCE, "javascript:z", 0, ("javascript:z", 0)),  # a definition on the line after its label
        (SOURCE, "javascript:y", 0, ("java&#115;cript:y", 0)),  # written with an entity
        (SOURCE, "javascript:y", 1, ("javascript:y", 0)),  # the second link to the same address
        ("[a](javascript\\:y)", "javascript:y", 0, ("javascript\\:y", 0)),  # written with an escape
        ("javascript:x and <javascript:x>", "javascript:x", 1, ("javascript:x", 1)),  # a bare one first
        ("Plain words.", "", 0, None),
        ("Plain words.", "https://example.org", 0, None),
    ],
)
def test_a_refused_address_is_found_where_it_is_written(source: str, href: str, nth: int, spot):
    assert address_spot(source, source, href, nth) == spot
