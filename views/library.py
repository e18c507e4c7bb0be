"""Library: the program's resources, every cited source, the data dictionary and downloads.

The page is drawn by ``dashboard.screens.library``."""

from dashboard.screens import library as page

page.render()
