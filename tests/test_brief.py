"""The site brief (PDF) read back: at most two pages on A4 and US Letter, selectable text with the site's
record, every numbered source's URL a clickable link, the link back to its profile, the network picture
as vector text and lines, the shipped fonts only, and page 1 rendered to PNG for a look."""

from __future__ import annotations

import io

import pypdf
import pypdfium2
import pytest
from PIL import ImageStat

from conftest import ARTIFACTS, open_app, script
from dashboard import constants as C
from dashboard.views.site_profile import brief
from dashboard.views.site_profile.assembly import site_profile

ATLAS = "https://atlas.example.org/"
SIZES = {"a4": (595, 842), "us-letter": (612, 792)}  # points
SITES = ["boston", "st-louis", "washington-dc", "cleveland", "pittsburgh", "san-antonio", "seattle-king-county"]


def pdf_text(pdf: bytes) -> str:
    """Every page's text as a reader copies it, read with PDFium (Chromium's PDF engine): a word hyphenated
    at a line's end joined again, spaces collapsed. (pypdf reads this font's hyphen as a soft hyphen.)"""
    document = pypdfium2.PdfDocument(pdf)
    pages = [document[index].get_textpage().get_text_range() for index in range(len(document))]
    return " ".join(" ".join(pages).replace("\ufffe", "").split())


def squashed(text: str) -> str:
    """Text without any space: a name broken across lines after a dash reads the same."""
    return "".join(text.split())


def link_targets(reader: pypdf.PdfReader) -> list[str]:
    targets = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/S") == "/URI":
                targets.append(str(action["/URI"]))
    return targets


def fonts(reader: pypdf.PdfReader) -> set[str]:
    """The base names of every font the pages use, their pictures' included (subset prefix removed)."""
    names: set[str] = set()

    def walk(resources) -> None:
        for font in (resources.get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
        for xobject in (resources.get("/XObject") or {}).values():
            inner = xobject.get_object().get("/Resources")
            if inner is not None:
                walk(inner.get_object())

    for page in reader.pages:
        walk(page["/Resources"])
    return names


def raster_images(reader: pypdf.PdfReader) -> int:
    return sum(len(page.images) for page in reader.pages)


@pytest.fixture(scope="module")
def briefs(catalog) -> dict[tuple[str, str], bytes]:
    return {(site, paper): brief.site_brief(catalog, site, paper, profile_url(site)) for site in SITES for paper in brief.PAPERS}


def profile_url(site: str) -> str:
    return f"{ATLAS}site?site={site}"


@pytest.mark.parametrize("paper", list(brief.PAPERS))
@pytest.mark.parametrize("site", SITES)
def test_the_brief_fits_two_pages_of_its_paper_with_the_sites_record(catalog, briefs, site, paper):
    reader = pypdf.PdfReader(io.BytesIO(briefs[site, paper]))
    assert 1 <= len(reader.pages) <= brief.MAX_PAGES == 2
    assert brief.page_count(briefs[site, paper]) == len(reader.pages)
    for page in reader.pages:
        assert tuple(round(float(x)) for x in page.mediabox[2:]) == SIZES[paper]
    text = pdf_text(briefs[site, paper])
    profile = site_profile(catalog, site)
    assert profile.name in text
    assert C.ROLE_LABELS[profile.site["role"]] in text
    assert f"${profile.site['grant_usd']:,.0f} grant" in text
    for product in profile.products:
        assert product["name"] in text
        assert f"{product['status'].capitalize()} as of {product['status_as_of']}" in text
    for kind, organizations in profile.partners.items():
        assert f"{kind.capitalize()}:" in text
        assert squashed(organizations[0]["name"]) in squashed(text)
    for heading in ("WHAT IT BUILT", "WHO TOOK PART", "HOW THEY WERE CONNECTED", "LESSONS", "KEY METRICS", "SOURCES"):
        assert heading in text
    assert "Year joined NNIP" in text
    assert "Population" in text
    assert reader.metadata.title == f"{profile.name}: a site brief (CTDC Atlas)"


@pytest.mark.parametrize("site", SITES)
def test_every_numbered_source_and_the_profile_are_links(catalog, briefs, site):
    document = brief.brief_document(catalog, site_profile(catalog, site), profile_url(site), {"alt": "", "note": "", "width": 1})
    reader = pypdf.PdfReader(io.BytesIO(briefs[site, "a4"]))
    targets = link_targets(reader)
    text = pdf_text(briefs[site, "a4"])
    numbers = [source["number"] for source in document["sources"]]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 5
    for source in document["sources"]:
        assert source["url"] in targets
        assert f"[{source['number']}]" in text
    assert profile_url(site) in targets
    rows = [document["site"], *(row for part in ("products", "partners", "metrics", "lessons") for row in document[part])]
    rows += [outcome for product in document["products"] for outcome in product["outcomes"]]
    assert {n for row in rows for n in row["cites"]} == set(numbers)  # every source listed is cited, and no other
    internal = [a for p in reader.pages for a in p.get("/Annots") or [] if "/Dest" in a.get_object()]
    assert len(internal) == sum(len(row["cites"]) for row in rows)  # each citation number jumps to its source


@pytest.mark.parametrize("site", SITES)
def test_three_to_five_lessons(catalog, site):
    lessons = brief.pick_lessons(site_profile(catalog, site))
    assert brief.MIN_LESSONS <= len(lessons) <= brief.MAX_LESSONS
    own = [lesson for lesson in lessons if lesson["where"] == ""]
    assert all(lesson["site"] == site for lesson in own)
    assert all(lesson["where"] == "across all sites" for lesson in lessons[len(own) :])


def test_the_picture_is_vector_and_its_labels_are_text(briefs):
    reader = pypdf.PdfReader(io.BytesIO(briefs["boston", "a4"]))
    assert raster_images(reader) == 0
    text = pdf_text(briefs["boston", "a4"])
    for label in ("MAPC", "DoIT", "BNY Mellon", "Organization type", "partnered"):
        assert label in text
    assert fonts(reader) == {"SourceSansPro-Regular", "SourceSansPro-It", "SourceSansPro-Semibold", "SourceSansPro-Bold"}


def test_text_from_the_data_is_never_read_as_markup(catalog):
    hostile = '#panic("x") $x^2$ *bold* <label> @ref [link](javascript:alert(1)) \\ // not a comment'
    changed = catalog.replaced(sites=catalog.sites.assign(summary=hostile, landmark="#set page(width: 1pt)"))
    pdf = brief.site_brief(changed, "boston", "a4", "javascript:alert(1)")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = pdf_text(pdf)
    assert " ".join(hostile.split()) in text
    assert "#set page(width: 1pt)" in text
    assert not any(target.startswith("javascript") for target in link_targets(reader))
    assert tuple(round(float(x)) for x in reader.pages[0].mediabox[2:]) == SIZES["a4"]


def test_an_unknown_paper_is_refused(catalog):
    with pytest.raises(ValueError, match="unknown paper size"):
        brief.site_brief(catalog, "boston", "a3")


@pytest.mark.parametrize("site", ["boston", "cleveland"])
def test_page_one_renders_to_a_png(briefs, site):
    document = pypdfium2.PdfDocument(briefs[site, "a4"])
    image = document[0].render(scale=150 / 72).to_pil().convert("RGB")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image.save(ARTIFACTS / f"brief-{site}-page1.png")
    assert [abs(pixels - points * 150 / 72) <= 2 for pixels, points in zip(image.size, SIZES["a4"])] == [True, True]
    assert max(ImageStat.Stat(image).stddev) > 20  # not blank
    top, middle = (
        image.crop((0, 0, image.size[0], image.size[1] // 3)),
        image.crop((0, image.size[1] // 3, image.size[0], 2 * image.size[1] // 3)),
    )
    assert ImageStat.Stat(top).mean[0] < 250
    assert ImageStat.Stat(middle).mean[0] < 250


def test_the_site_profile_offers_the_brief_on_both_papers():
    at = open_app(script("site"), {"site": "Cleveland"})
    labels = [button.proto.label for button in at.get("download_button")]
    assert "Download a one-page brief (PDF, A4)" in labels
    assert "Download a one-page brief (PDF, US Letter)" in labels
