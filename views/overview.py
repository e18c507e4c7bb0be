"""Overview: what the program was, its headline figures and where to start.

The page is drawn by ``dashboard.screens.overview``."""

from dashboard.screens import overview as page

page.render()
