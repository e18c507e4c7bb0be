"""The address bar is the view, in a real browser: after every choice on every page that has choices, the
address bar holds exactly the share link; a reload gives the same view; Back leaves the page in one step
and Forward brings back the view it was left with; a link in another spelling is rewritten in place."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from conftest import HISTORY_LOG, NEW_TAB_HISTORY, click_link, open_page, settle, share_link, wait_for_app


@dataclass(frozen=True)
class Choice:
    """One thing a visitor does on a page, and a piece of the query it must leave (``wanted``)."""

    name: str
    act: Callable
    wanted: str


def tab(name: str, wanted: str) -> Choice:
    return Choice(f"tab {name}", lambda page: page.get_by_role("tab", name=name, exact=True).click(), wanted)


def pick(label: str, option: str, wanted: str) -> Choice:
    """Choose ``option`` in the select box labelled ``label``, as typed into it."""

    def act(page) -> None:
        page.get_by_label(label, exact=True).first.click()
        page.keyboard.type(option)
        page.get_by_role("option", name=option, exact=True).click()

    return Choice(f"{label}: {option}", act, wanted)


def switch(label: str, wanted: str) -> Choice:
    return Choice(label, lambda page: page.get_by_text(label, exact=True).first.click(), wanted)


def type_words(label: str, words: str, wanted: str) -> Choice:
    def act(page) -> None:
        page.get_by_role("textbox", name=label).fill(words)
        page.keyboard.press("Enter")

    return Choice(f"{label}: {words}", act, wanted)


def answer(question: str, choice: str, wanted: str) -> Choice:
    return Choice(
        f"{question} {choice}",
        lambda page: page.get_by_role("radiogroup", name=question).get_by_text(choice, exact=True).click(),
        wanted,
    )


def site_filter(name: str, wanted: str) -> Choice:
    def act(page) -> None:
        page.get_by_label("Filter by site", exact=True).click()
        page.keyboard.type(name)
        page.get_by_role("option", name=name, exact=True).click()
        page.keyboard.press("Escape")

    return Choice(f"sites filter: {name}", act, wanted)


# Each page with choices, reached from the Overview by its navigation link, and what is done on it.
CHOICES = {
    "Themes": [
        tab("One theme", "themes_tab=One+theme"),
        pick("Theme", "housing", "theme=housing"),
        tab("Lessons by section", "themes_tab=Lessons+by+section"),
        pick("Read the lessons of one section", "Sustaining the gain", "section=Sustaining+the+gain"),
        tab("Search", "themes_tab=Search"),
        type_words("Search products, lessons, resources, partners, sites and metrics", "court data", "q=court+data"),
    ],
    "Ecosystem metrics": [
        switch("Compare implementation and learning sites", "lens=true"),
        pick("Key years shown", "Year joined NNIP", "year_metric=Year+joined+NNIP"),
        tab("Names", "metrics_tab=Names"),
        site_filter("Boston", "sites=Boston"),
    ],
    "Partner networks": [
        tab("Every network", "networks_tab=Every+network"),
        switch("Compare implementation and learning sites", "lens=true"),
        tab("Organizations", "networks_tab=Organizations"),
    ],
    "Site profile": [
        pick("Site", "Cleveland", "site=Cleveland"),
        pick("Compare with", "Boston", "compare=Boston"),
    ],
    "Your ecosystem": [
        switch("Show the worked example: Riverbend, a fictional city", "example=true"),
        pick("CTDC site shown beside your map", "St. Louis", "compare=St.+Louis"),
        tab("Self-check", "ecosystem_tab=Self-check"),
        answer("Is there a volunteer civic tech group (such as a Code for America brigade)?", "Yes", "my_brigade=yes"),
    ],
    "Library": [
        tab("Sources", "library_tab=Sources"),
        tab("Data dictionary", "library_tab=Data+dictionary"),  # a second tab at once: the first is not lost
        site_filter("Seattle / King County", "sites=Seattle+%2F+King+County"),
        tab("Download the data", "library_tab=Download+the+data"),
    ],
}


def shown(page) -> list[str]:
    """What the view shows of its choices: the open tabs' names."""
    return page.locator('[role="tab"][aria-selected="true"]').all_inner_texts()


def assert_address_is_the_share_link(page, after: str) -> None:
    address, shared = page.url, share_link(page)
    assert address == shared, f"after {after}: the address bar {address!r} is not the share link {shared!r}"
    pairs = urllib.parse.parse_qsl(urllib.parse.urlparse(address).query)
    assert len(pairs) == len(set(pairs)), f"after {after}: a parameter repeats in {address}"


@pytest.mark.parametrize("title", list(CHOICES))
def test_the_address_bar_holds_the_view_after_every_choice(browser, server_url, title):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(HISTORY_LOG)
    try:
        page = context.new_page()
        page.goto(f"{server_url}/")
        wait_for_app(page)
        click_link(page, title)
        assert_address_is_the_share_link(page, f"opening {title}")
        for choice in CHOICES[title]:
            choice.act(page)
            page.wait_for_function("wanted => location.search.includes(wanted)", arg=choice.wanted, timeout=20_000)
            settle(page)
            assert_address_is_the_share_link(page, choice.name)
        final, tabs = page.url, shown(page)
        pushes = [entry for entry in page.evaluate("window.__history") if entry.startswith("pushState")]
        assert len(pushes) == 1, pushes  # the page change; every choice replaced the entry in place
        assert page.evaluate("history.length") == NEW_TAB_HISTORY + 2

        page.reload()
        settle(page)
        assert page.url == final
        assert share_link(page) == final
        assert shown(page) == tabs

        page.go_back()  # one step: the Overview, not an earlier choice on this page
        page.wait_for_url(lambda url: urllib.parse.urlparse(url).path == "/", timeout=15_000)
        page.get_by_role("heading", level=1).filter(has_text="CTDC Atlas").first.wait_for(timeout=15_000)
        settle(page)
        assert_address_is_the_share_link(page, "Back")

        page.go_forward()  # the page again, as it was left
        page.wait_for_url(final, timeout=15_000)
        settle(page)
        assert share_link(page) == final
        assert shown(page) == tabs
    finally:
        context.close()


@pytest.mark.parametrize(
    ("link", "canonical"),
    [
        ("themes?tab=search&q=court&q=court", "themes?themes_tab=Search&q=court"),  # an older tab=, a repeat
        ("site?site=st-louis&compare=BOSTON", "site?site=St.+Louis&compare=Boston"),  # sites by id, in any case
        (
            "metrics?year_metric=year+joined+nnip&lens=TRUE",
            "metrics?lens=true&year_metric=Year+joined+NNIP",
        ),
    ],
)
def test_a_link_in_another_spelling_is_rewritten_in_place(browser, server_url, link, canonical):
    with open_page(browser, f"{server_url}/{link}") as page:
        settle(page)
        assert page.url == f"{server_url}/{canonical}"
        assert_address_is_the_share_link(page, "opening a link")
        assert page.evaluate("history.length") == NEW_TAB_HISTORY + 1  # the link itself, nothing more


def test_a_filter_in_another_spelling_is_rewritten_by_streamlit_with_one_entry(browser, server_url):
    # The filters are bound to the URL: Streamlit itself drops a value its widget does not hold
    # (st-louis, not "St. Louis") with a new history entry, before the shell gives the widget the
    # canonical value. Links the app writes never need it (README.md, "Links").
    with open_page(browser, f"{server_url}/themes?sites=st-louis") as page:
        settle(page)
        assert page.url == f"{server_url}/themes?sites=St.+Louis"
        assert_address_is_the_share_link(page, "opening a link")
        assert page.evaluate("history.length") == NEW_TAB_HISTORY + 2


def test_an_embedded_view_keeps_streamlits_embed_parameters(browser, server_url):
    # An app shown inside another page (?embed=true) stays embedded through its choices and page changes.
    with open_page(browser, f"{server_url}/library?embed=true") as page:
        page.get_by_role("tab", name="Sources", exact=True).click()
        page.wait_for_function("() => location.search.includes('library_tab=Sources')", timeout=20_000)
        settle(page)
        assert page.url == f"{server_url}/library?library_tab=Sources&embed=true"
    with open_page(browser, f"{server_url}/?embed=true&sites=Boston") as page:
        click_link(page, "See the sites on a map")
        assert page.url == f"{server_url}/map?sites=Boston&embed=true"
