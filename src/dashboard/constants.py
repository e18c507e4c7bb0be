"""Project-wide constants: vocabularies, file names, display labels and colours."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DATA_DIR_ENV = "CTDC_DATA_DIR"
# How often the app looks for edits to the data files (seconds).
DATA_RECHECK_SECONDS = 1.0

ROLE_LABELS = {"implementation": "Implementation site", "learning": "Learning site"}
CROSS_SITE = "cross-site"

# Data files: attribute name on the catalog -> file name in the data directory.
PROGRAM_FILE = "program.yaml"
RECORD_FILES = {
    "sources": "sources.yaml",
    "national_partners": "national_partners.yaml",
    "sites": "sites.yaml",
    "organizations": "organizations.yaml",
    "relationships": "relationships.yaml",
    "products": "products.yaml",
    "outcomes": "outcomes.yaml",
    "lessons": "lessons.yaml",
    "resources": "resources.yaml",
    "metric_definitions": "metric_definitions.yaml",
    "metrics": "metrics.yaml",
    "census": "census.yaml",
    "ecosystem_prompts": "ecosystem_prompts.yaml",
}
GEO_STATES_FILE = Path("geo") / "us-states.geojson"

NOT_FOUND = "not found in sources"

# Census Bureau API: the ACS 5-year release written to census.yaml.
CENSUS_YEAR = 2023
CENSUS_VINTAGE = "ACS 2019-2023 5-year"
CENSUS_API = "https://api.census.gov/data/{year}/acs/acs5"
CENSUS_VARIABLES = (
    "B01003_001E",  # total population
    "B19013_001E",  # median household income
    "B17020_001E",  # people whose poverty status is determined
    "B17020_002E",  # people below the poverty level
    "B23025_003E",  # civilian labor force
    "B23025_005E",  # unemployed
)

# Text drawn inside charts (value labels, subtitles): a grey that reads on the light and the dark
# theme's background (about 4.3:1 on white, 4.6:1 on Streamlit's dark background).
CHART_TEXT = "#7a7a7a"

# Colour-blind-safe palette (Okabe–Ito).
ROLE_COLORS = {"implementation": "#0072B2", "learning": "#E69F00"}
ROLE_COLORS_RGB = {"implementation": [0, 114, 178], "learning": [230, 159, 0]}
CATEGORY_COLORS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
