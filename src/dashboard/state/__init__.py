"""What a view is: the global filters and the pages and URL parameters that reproduce it (reading
raw URL values, canonical links). Pure functions; the UI package passes in what the URL holds."""
