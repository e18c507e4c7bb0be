"""Map: where the sites are, coloured by role and sized by grant, with a table as its text alternative.

The page is drawn by ``dashboard.screens.map``."""

from dashboard.screens import map as page

page.render()
