"""The Ecosystem metrics page: key years, census figures, partner counts and the timeline, and the
self-check that places a visitor's own city on the key years."""
