"""The sanitiser's fast path: text it returns untouched is text nh3 returns untouched."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from properties.support import property_settings

from pipeline.site import sanitise

# Any character at all, the ones the fast path refuses included, mostly short strings.
ANY_TEXT = st.text(st.characters(codec=None), max_size=40)
# Text made only of characters the fast path accepts (ASCII, accents, CJK, emoji-free).
INERT_TEXT = st.text(
    st.characters(
        blacklist_characters="<>&\r\0\xa0",
        blacklist_categories=("Cs", "Cc"),
        max_codepoint=0xFFFD,
    )
    | st.sampled_from("\t\n\ufeff"),
    max_size=60,
)


@property_settings(400)
@given(text=ANY_TEXT | INERT_TEXT)
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
