"""The Themes page: themes by site, one theme's records, lessons by synthesis section, and search."""
