"""Site profile: what one site built, with whom, what it learned and its ecosystem, with every claim cited.

The page is drawn by ``dashboard.screens.site``."""

from dashboard.screens import site as page

page.render()
