"""Partner networks: the graph of organizations and ties with hub and bridge scores (model), its
picture, the mapping questions asked of it, and the cached views the pages show."""
