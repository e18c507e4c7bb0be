"""Themes: which themes each site worked on, one theme's products and lessons, lessons by synthesis

The page is drawn by ``dashboard.screens.themes``."""

from dashboard.screens import themes as page

page.render()
