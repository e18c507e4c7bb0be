"""The Ecosystem metrics page, one module per tab (key years, names, census context, partners,
timeline) and what they share (``site_metrics``). The self-check that places a visitor's own city on
the key years is ``views.self_check``. Here: the page's tabs, in order (a link opens one by name)."""

TABS = ("Key years", "Names", "Census context", "Partners", "Timeline")
