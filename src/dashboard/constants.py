"""Project-wide constants: where the data lives, display labels and colours, and the census release."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DATA_DIR_ENV = "CTDC_DATA_DIR"
# How often the app looks for edits to the data files (seconds).
DATA_RECHECK_SECONDS = 1.0
# Files the browser fetches itself (Streamlit's static file serving, server.enableStaticServing):
# sent once and cached, instead of travelling inside every rerun.
STATIC_DIR = PROJECT_ROOT / "static"
STATES_GEOJSON = STATIC_DIR / "us-states.geojson"
STATES_GEOJSON_URL = "app/static/us-states.geojson"  # relative: the app's pages are one level deep
# How list cells (themes, sites, sources) are joined in tables and CSV downloads.
LIST_DELIMITER = "; "

ROLE_LABELS = {"implementation": "Implementation site", "learning": "Learning site"}

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

# The keyboard focus ring (ui/focus.py): the theme's blue, at least 3:1 against the light and the dark
# theme's backgrounds, and thick enough to see (WCAG 2.2 asks for 2 px).
FOCUS_RING_COLOR = "#0072B2"
FOCUS_RING_PX = 3

# Colour-blind-safe palette (Okabe–Ito), with the colour names the legends use.
ROLE_COLORS = {"implementation": "#0072B2", "learning": "#E69F00"}
ROLE_COLOR_NAMES = {"implementation": "blue", "learning": "orange"}
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
