"""The "Embed this view" code: an iframe of the view in Streamlit's embed mode, every value escaped for HTML."""

from __future__ import annotations

from dashboard import constants as C
from dashboard.ui.shell import embed_code


def test_the_view_is_framed_in_embed_mode_with_a_title_and_a_size():
    code = embed_code("https://atlas.example.org/site?site=Boston", "Site profile: Boston · CTDC Atlas")
    assert code == (
        '<iframe src="https://atlas.example.org/site?site=Boston&amp;embed=true" title="Site profile: Boston · CTDC Atlas" '
        f'width="100%" height="{C.EMBED_HEIGHT}" style="border: 0; max-width: 100%;" loading="lazy"></iframe>'
    )
    assert embed_code("https://atlas.example.org/map", "Map").startswith('<iframe src="https://atlas.example.org/map?embed=true"')


def test_quotes_and_tags_in_a_title_or_address_stay_text():
    code = embed_code('https://host/site?site=A"><script>x</script>', 'A "site" <b>')
    assert "<script>" not in code
    assert "<b>" not in code
    assert 'title="A &quot;site&quot; &lt;b&gt;"' in code
    assert code.count('"') == 12
