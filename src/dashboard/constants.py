"""Project-wide constants: where the data lives, display labels and colours, and the census release."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DATA_DIR_ENV = "CTDC_DATA_DIR"
# How to cite the project (Citation File Format); the Library and README citations come from it.
CITATION_FILE = PROJECT_ROOT / "CITATION.cff"
# The repository's web address (e.g. https://github.com/OWNER/REPO) is configuration, set by whoever
# deploys the app in this environment variable: "Suggest a correction" links open its new-issue form
# (OWNER/REPO/issues/new, GitHub's form). Unset, no correction link is shown.
REPOSITORY_URL_ENV = "CTDC_REPOSITORY_URL"
# How often the app looks for edits to the data files (seconds).
DATA_RECHECK_SECONDS = 1.0
# Files the browser fetches itself (Streamlit's static file serving, server.enableStaticServing):
# sent once and cached, instead of travelling inside every rerun.
STATIC_DIR = PROJECT_ROOT / "static"
STATES_GEOJSON = STATIC_DIR / "us-states.geojson"
STATES_GEOJSON_URL = "app/static/us-states.geojson"  # relative: the app's pages are one level deep
# The dataset at fixed addresses (``make export`` writes it; Streamlit serves it at /app/static/data/):
# every table as CSV and JSON, the Data Package descriptor, the CSV zip and the whole dataset as JSON.
DATA_EXPORT_DIR = STATIC_DIR / "data"
DATA_EXPORT_URL = "app/static/data"  # relative to the app's root address
DATAPACKAGE_FILE = "datapackage.json"
EXPORT_ZIP = "ctdc-atlas-data.zip"
EXPORT_JSON = "ctdc-atlas-data.json"
# The height of an embedded view's frame (pixels): a map or a chart and its key on a desktop; longer pages scroll inside.
EMBED_HEIGHT = 720
# How list cells (themes, sites, sources) are joined in tables and CSV downloads.
LIST_DELIMITER = "; "

ROLE_LABELS = {"implementation": "Implementation site", "learning": "Learning site"}

# Which of a CTDC site's ties its network counts (the ``ties`` URL parameter): by default those the
# sources date to the program's years (period "ctdc" in relationships.yaml), or every documented tie.
TIES_CTDC = "ctdc"
TIES_ALL = "all"
TIE_CHOICES = (TIES_CTDC, TIES_ALL)
TIES_SWITCH_LABEL = "Include affiliations and ties from other periods"
# A tie's period as the pages write it (the periods are defined in data/schema.py).
TIE_PERIOD_LABELS = {
    "ctdc": "during CTDC (2014–2018)",
    "before": "before CTDC",
    "after": "after CTDC",
    "standing": "standing affiliation",
}
# A site's network with fewer ties than this names no hubs or bridges: with two ties no organization
# has more than two partners, and which one comes first depends only on which tie was written down.
MIN_TIES_TO_RANK = 3
# How the project names itself to the servers it asks (the Census Bureau's API, the sources' hosts).
USER_AGENT = "CTDC-Atlas/1.0 (source and census checks of the CTDC Atlas dataset)"
# The confidence of values that are not sourced metric values, beside the schema's levels
# ("confirmed", "single-source"): a product's launch date read from its record, and a visitor's own
# self-check answer. Charts draw each with a shape of its own.
PRODUCT_CONFIDENCE = "product record"
YOUR_ANSWER = "your answer"

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

# A table row tall enough for three lines of text: Streamlit's data grid wraps a cell's text only in rows
# taller than 4rem (64 px), and cuts it in shorter ones.
WRAPPED_ROW_PX = 76

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
