"""A visitor's own ecosystem: reading uploaded files safely, checking them row by row, the templates,
the fictional worked example and the downloads made from an upload."""
