"""The sanitiser's fast path: what it returns untouched is what nh3 returns untouched."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from properties.support import property_settings

from pipeline.site import sanitise

# Any character a lesson can hold (it is read as strict UTF-8: no lone surrogate), the ones
# the fast path refuses included.
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
# Text made only of characters the fast path accepts, and a few it refuses.
INERT_TEXT = st.text(
    st.characters(
        blacklist_characters="<>&\r\0\xa0",
        blacklist_categories=("Cs", "Cc"),
        max_codepoint=0xFFFD,
    )
    | st.sampled_from("\t\n\ufeff"),
    max_size=12,
)
# Pieces of HTML as the renderer writes it, and as it never would: fragments made of these
# are well-nested or not, with paragraphs in the wrong places, attributes, entities, voids,
# so the test also holds `clean` to nh3 where the fast path does not apply.
NAMES = ["p", "code", "em", "strong", "del", "kbd", "samp", "sup", "sub", "a", "script", "br"]
PIECES = st.one_of(
    INERT_TEXT,
    st.sampled_from(NAMES).map(lambda name: f"<{name}>"),
    st.sampled_from(NAMES).map(lambda name: f"</{name}>"),
    st.sampled_from(
        ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&nbsp;", "&copy;", "&", "<br />", "\n"]
    ),
    st.sampled_from(['<p class="x">', '<a href="http://x">', "<em >", "<!-- c -->", "<P>"]),
)
FRAGMENTS = st.lists(PIECES, max_size=12).map("".join)


def nested_anyhow() -> st.SearchStrategy[str]:
    """Balanced tags of any of the names, paragraphs in paragraphs and in phrases included."""
    return st.recursive(
        INERT_TEXT,
        lambda inner: st.builds(
            lambda name, parts: f"<{name}>{''.join(parts)}</{name}>",
            st.sampled_from(NAMES[:9]),
            st.lists(inner, max_size=3),
        ),
        max_leaves=8,
    )


@property_settings(600)
@given(text=ANY_TEXT | INERT_TEXT | FRAGMENTS | nested_anyhow())
def test_the_fast_path_returns_what_nh3_returns(text: str) -> None:
    expected = sanitise._cleaner()(text)
    assert sanitise.clean(text) == expected
    if sanitise._INERT.match(text):
        assert expected == text  # the fast path's premise, for this text


def test_the_fast_path_takes_plain_text_and_nothing_else() -> None:
    assert sanitise._INERT.match("Mount container 0 — déjà vu, 中文 (x|y) \"quoted\" 'a'")
    refused = ("<b>", "a &amp; b", "a\xa0b", "a\rb", "a\x00b", "\ufeffa", "\ufffe", "\U0001f600")
    for active in refused:
        assert not sanitise._INERT.match(active), active
    assert sanitise.clean("<script>alert(1)</script>plain") == "plain"
