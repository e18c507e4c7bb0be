"""The Themes page, one module per tab: ``by_site`` (themes by site), ``one_theme``, ``sections``
(lessons by synthesis section) and ``search`` (over ``search_index``); ``lessons`` holds what the tabs
share about lessons. Here: the page's tabs and the one a link opens."""

TABS = ("Themes by site", "One theme", "Lessons by section", "Search")


# The tab that reads each page parameter, in the order they win when a link carries several.
TAB_FOR_PARAM = {"q": "Search", "section": "Lessons by section", "theme": "One theme"}


def default_tab(url_keys: list[str]) -> int:
    """Index in ``TABS`` of the tab a link opens when it names none: the one that reads its search,
    section or theme."""
    if "themes_tab" in url_keys or "tab" in url_keys:
        return 0
    return next((TABS.index(TAB_FOR_PARAM[key]) for key in TAB_FOR_PARAM if key in url_keys), 0)
