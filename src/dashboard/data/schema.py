"""The dataset's schema, the single source for every data file: one pydantic model per kind of record,
each field with its meaning, the vocabularies, the table registry and the cross-references.

The data dictionary (Library page), ``data/README.md``'s vocabulary table, the JSON Schemas in
``data/schema/`` and the Data Package descriptor are all generated from what is declared here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from dashboard.data.text import is_http_url
from dashboard.data.values import PARTIAL_DATE_PATTERN, as_partial_date_text

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
HTML_TAG_PATTERN = r"<\s*/?\s*[a-zA-Z][^>]*>"
CROSS_SITE = "cross-site"

# The vocabularies: each is declared once, here. The tuples beside them are what the rest of the
# package iterates over (in this order: it is the order pages show them in).
Role = Literal["implementation", "learning"]
OrganizationType = Literal[
    "local government", "civic tech group", "data intermediary", "community organization", "university", "funder", "other"
]
Theme = Literal[
    "civic engagement",
    "public safety",
    "employment",
    "open data",
    "open source tools",
    "housing",
    "youth",
    "justice",
    "health",
    "data literacy",
]
ProductStatus = Literal["active", "merged", "archived", "discontinued", "unknown"]
LessonSection = Literal[
    "Ingredients",
    "Engaging low-income residents",
    "Mobilizing for collective action",
    "Resourcing collaboratives",
    "Sustaining the gain",
]
SectionBasis = Literal["source", "editorial"]
ResourceKind = Literal["synthesis", "guide", "case study", "toolkit", "blog"]
SourceKind = Literal["report", "case study", "blog", "news", "web page", "code repository", "dataset", "reference", "slides"]
Confidence = Literal["confirmed", "single-source", "unconfirmed"]
RelationshipKind = Literal[
    "led",
    "co-led",
    "initiated",
    "co-initiated",
    "built",
    "funded",
    "sponsored",
    "partnered",
    "staffed",
    "convened",
    "event host",
    "institutional home",
    "member of",
]
TiePeriod = Literal["ctdc", "before", "after", "standing"]
ValueType = Literal["number", "year", "text"]
CensusCheck = Literal["not yet checked", "agrees", "replaced", "new", "no estimate"]

ROLES: tuple[str, ...] = get_args(Role)
ORGANIZATION_TYPES: tuple[str, ...] = get_args(OrganizationType)
THEMES: tuple[str, ...] = get_args(Theme)
PRODUCT_STATUSES: tuple[str, ...] = get_args(ProductStatus)
LESSON_SECTIONS: tuple[str, ...] = get_args(LessonSection)
SECTION_BASES: tuple[str, ...] = get_args(SectionBasis)
RESOURCE_KINDS: tuple[str, ...] = get_args(ResourceKind)
SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)
CONFIDENCE_LEVELS: tuple[str, ...] = get_args(Confidence)
RELATIONSHIP_KINDS: tuple[str, ...] = get_args(RelationshipKind)
TIE_PERIODS: tuple[str, ...] = get_args(TiePeriod)
VALUE_TYPES: tuple[str, ...] = get_args(ValueType)
CENSUS_CHECKS: tuple[str, ...] = get_args(CensusCheck)
NOT_YET_CHECKED = "not yet checked"

# Dates: a source's note says its document shows no date in these words, and a date stored where no
# cited document shows one names, in the note, the source it comes from ("date from ctdc-s40").
# The validator checks both (data/README.md, "Sources").
UNDATED_PATTERN = r"\bshows no date\b|\bdate (?:is )?not shown\b"
DATE_FROM_PATTERN = r"\bdate from ([a-z0-9][a-z0-9_-]*)"

# What a tie's kind says the source organization did with or for the target, one line each.
RELATIONSHIP_KIND_MEANINGS = {
    "led": "the source led work the target took part in",
    "co-led": "the two led a shared effort as equals",
    "initiated": "the source started the target, a collaborative, project or alliance, alone or with others",
    "co-initiated": "the two started a shared effort together, e.g. applied together for its grant; the note names it",
    "built": "the source built a product for the target",
    "funded": "the source gave the target money",
    "sponsored": "the source is the target's fiscal sponsor: it holds and administers the target's funds",
    "partnered": "the sources name the two as partners in the same work, without saying more",
    "staffed": "the source's staff did the target's work, e.g. ran its committee or led its data collection",
    "convened": "the source called together the target, a meeting, network or alliance, alone or with others",
    "event host": "the source hosted or ran an event with or for the target; the note names the event",
    "institutional home": "the source houses and manages the target",
    "member of": "the source belongs to the target, a network or partnership, "
    "e.g. as an NNIP partner or a Code for America brigade",
}
# When a tie held, one line each; a tie's period_basis says what in its sources dates it.
TIE_PERIOD_MEANINGS = {
    "ctdc": "during CTDC: the sources place the tie in the program's years, 2014–2018, by a date they give "
    "or as the program's own work",
    "before": "before CTDC: the sources date the tie only to before 2014 and do not show it during the program",
    "after": "after CTDC: the sources date the tie only to after 2018",
    "standing": "a standing affiliation: a membership, institutional home, fiscal sponsorship or shared governance, "
    "not work done in the program",
}

# What some vocabulary values mean, for the data dictionary and data/README.md.
VALUE_MEANINGS = {
    "confirmed": "two or more independent sources",
    "single-source": "one source",
    "unconfirmed": "not found in sources; the value is null",
    "source": "the source files the lesson under that section",
    "editorial": "this dataset's own assignment",
    **RELATIONSHIP_KIND_MEANINGS,
    **TIE_PERIOD_MEANINGS,
    "not yet checked": "not yet checked against the Census Bureau",
    "agrees": "the Census Bureau's API gave the stored figure",
    "replaced": "the API's figure differed and replaced the stored one",
    "new": "no figure was stored; the API's was written",
    "no estimate": "the API gave no estimate for it",
}


def _check_plain_text(value: str) -> str:
    if re.search(HTML_TAG_PATTERN, value):
        raise ValueError("must be plain text (HTML tags are not allowed)")
    return value


def _check_http_url(value: str) -> str:
    if not is_http_url(value):
        raise ValueError("must be an http:// or https:// URL")
    return value


def _check_partial_date(value: str) -> str:
    if not re.match(PARTIAL_DATE_PATTERN, value):
        raise ValueError("must be an ISO date: YYYY, YYYY-MM or YYYY-MM-DD")
    return value


Slug = Annotated[str, Field(pattern=SLUG_PATTERN, min_length=1, max_length=80)]
Text = Annotated[str, Field(min_length=1), AfterValidator(_check_plain_text)]
PartialDate = Annotated[
    str,
    BeforeValidator(as_partial_date_text),
    AfterValidator(_check_partial_date),
    Field(json_schema_extra={"pattern": PARTIAL_DATE_PATTERN}),
]
HttpUrl = Annotated[
    str, AfterValidator(_check_http_url), Field(json_schema_extra={"pattern": "^https?://\\S+$", "format": "uri"})
]
SourceIds = Annotated[list[Slug], Field(min_length=1)]

SOURCES_FIELD = "ids of the sources (the sources table) that state this record's facts; at least one"


class Record(BaseModel):
    """Base of every record: strict types, no unknown fields, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Program(Record):
    """The multi-site program the dataset describes (``program.yaml``, a mapping, not a list)."""

    id: Slug = Field(description="stable id of the program, e.g. ctdc")
    name: Text = Field(description="the program's full name")
    short_name: Text = Field(description="the short name used in page titles, e.g. CTDC")
    years: Text = Field(description="the years the program ran, e.g. 2014–2018")
    summary: Text = Field(description="a few plain sentences on what the program was")
    data_as_of: PartialDate = Field(description="the date the dataset was last reviewed")
    sources: SourceIds = Field(description=SOURCES_FIELD)


class Source(Record):
    """A cited public document."""

    id: Slug = Field(description="stable id that records cite (ctdc-sN, eco-N and acs-N follow the research lists)")
    title: Text = Field(description="the document's title, as published")
    publisher: Text = Field(description="who published it")
    date: PartialDate | None = Field(
        description="publication date at the precision the document gives; null when it shows none "
        "(unless the note says 'date from <source id>')"
    )
    url: HttpUrl = Field(description="where to read it: a public http(s) address")
    kind: SourceKind = Field(description="what kind of document it is")
    note: Text | None = Field(default=None, description="what the source confirms, or caveats on it")


class Cited(Record):
    """A record with a stable id that cites at least one source."""

    id: Slug = Field(description="stable lower-case id (a-z, 0-9, '-', '_'); links and other records use it")
    sources: SourceIds = Field(description=SOURCES_FIELD)


class NationalPartner(Cited):
    """A national organization that ran or funded the program."""

    name: Text = Field(description="the organization's name")
    role: Text = Field(description="what it did in the program, in one sentence")
    url: HttpUrl | None = Field(default=None, description="its website")


class Site(Cited):
    """One of the program's local sites."""

    name: Text = Field(description="the place's display name")
    state: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = Field(description="two-letter US state or district code")
    role: Role = Field(description="implementation (built a product) or learning site")
    grant_usd: Annotated[int, Field(ge=0)] = Field(description="the program's grant to the site, in US dollars")
    lat: Annotated[float, Field(ge=-90, le=90)] = Field(description="latitude of the landmark the map marks")
    lon: Annotated[float, Field(ge=-180, le=180)] = Field(description="longitude of the landmark the map marks")
    landmark: Text = Field(description="the place the coordinates point at, e.g. the city hall")
    summary: Text = Field(description="what the site did, in a few plain sentences")
    census_geoid: Annotated[str, Field(pattern=r"^\d{7}$")] | None = Field(
        default=None, description="7-digit Census place code (state + place) for the census figures"
    )


class Organization(Cited):
    """A local organization taking part at one or more sites."""

    name: Text = Field(description="the organization's name")
    type: OrganizationType = Field(description="what kind of organization it is")
    sites: list[Slug] = Field(description="ids of the sites it took part in")
    role: Text | None = Field(default=None, description="what it did in the program, in one sentence; null when not found")
    url: HttpUrl | None = Field(default=None, description="its website, as a source gives it")


class Relationship(Cited):
    """A documented tie between two organizations or national partners."""

    source: Slug = Field(description="id of the organization or national partner the tie starts from")
    target: Slug = Field(description="id of the organization or national partner the tie points to")
    kind: RelationshipKind = Field(description="what the source did with or for the target (see the kinds' meanings)")
    period: TiePeriod = Field(description="when it held: during CTDC (2014–2018), before, after, or a standing affiliation")
    site: Slug | None = Field(description="id of the site the tie belongs to; null for national ties")
    note: Text | None = Field(default=None, description="what the sources say about the tie")
    period_basis: Text = Field(description="what in the sources dates the tie, or shows it is a standing affiliation")


class Product(Cited):
    """What a site built or ran, and what became of it."""

    site: Slug = Field(description="id of the site that built or ran it")
    name: Text = Field(description="the product's or activity's name")
    description: Text = Field(description="what it is and does, in our own words")
    themes: Annotated[list[Theme], Field(min_length=1)] = Field(description="the themes it serves (at least one)")
    launched: PartialDate | None = Field(description="when it launched; null when not found")
    urls: list[HttpUrl] = Field(description="its public web addresses")
    code: list[HttpUrl] = Field(description="its source code repositories")
    license: Text | None = Field(description="the code's licence; null when not found")
    status: ProductStatus = Field(description="what became of it")
    status_note: Text = Field(description="how the status is known")
    status_as_of: PartialDate = Field(description="when the status was last checked")
    note: Text | None = Field(default=None, description="caveats on the record's facts, e.g. which sources spell its address")


class Outcome(Cited):
    """A measured result of a product."""

    product: Slug = Field(description="id of the product measured")
    measure: Text = Field(description="what was measured")
    value: float | None = Field(description="the figure; null when not found (never zero)")
    unit: Text = Field(description="the figure's unit, e.g. people, percent, rank")
    year: PartialDate = Field(description="when the figure applies")
    note: Text | None = Field(default=None, description="context for the figure")


class Lesson(Cited):
    """A lesson learned, tagged with a synthesis section."""

    site: Slug = Field(description=f"id of the site it comes from, or {CROSS_SITE} for lessons drawn across sites")
    text: Text = Field(description="the lesson, in our own words")
    section: LessonSection = Field(description="the section of the program's cross-site synthesis it belongs under")
    section_basis: SectionBasis = Field(description="who filed it under that section")
    themes: list[Theme] = Field(default=[], description="the themes it speaks to")
    note: Text | None = Field(default=None, description="caveats on the lesson's wording or basis; shown with the lesson")


class Resource(Cited):
    """A publication the program produced (synthesis, guide, case study, toolkit, blog)."""

    title: Text = Field(description="the publication's title")
    kind: ResourceKind = Field(description="what kind of publication it is")
    publisher: Text = Field(description="who published it")
    date: PartialDate | None = Field(description="publication date; null when not found")
    url: HttpUrl = Field(description="where to read it")
    summary: Text = Field(description="what it says, in our own words")
    sites: list[Slug] = Field(default=[], description="ids of the sites it is about; empty when program-wide")
    note: Text | None = Field(
        default=None, description="caveats on the record, e.g. 'date from <source id>' when no cited source has a date of its own"
    )


class MetricDefinition(Cited):
    """What an ecosystem metric measures."""

    label: Text = Field(description="the metric's display name")
    group: Text = Field(description="the group it is listed under on the site profile")
    value_type: ValueType = Field(description="number, year or text")
    unit: Text | None = Field(description="the unit of its values; null for years and text")
    description: Text = Field(description="what it measures and how")


class Metric(Cited):
    """One value of one metric for one site at one vintage (long form)."""

    site: Slug = Field(description="id of the site")
    metric: Slug = Field(description="id of the metric definition (the metric_definitions table)")
    value: float | str | None = Field(description="the value; null when not found in sources (never zero)")
    unit: Text | None = Field(description="the value's unit")
    vintage: Text | None = Field(description="the year, date or release the value refers to; required with a value")
    margin_of_error: Annotated[float, Field(ge=0)] | None = Field(
        default=None, description="the source's 90 percent margin of error, in the value's unit; null when not found in sources"
    )
    confidence: Confidence = Field(description="how well the sources support the value")
    note: Text | None = Field(default=None, description="what is known, and how")


class CensusFigure(Metric):
    """One census figure for one site and release: a metric value with where it was taken from and
    whether the Census Bureau's own API has confirmed it (``census.yaml``)."""

    value_source: Slug | None = Field(
        description="id of the source the value was taken from (one of its sources); null when the value is null"
    )
    census_query: Slug = Field(description="id of the Census Bureau API query (a source) that would confirm the value")
    census_check: CensusCheck = Field(description="what refresh-census found when it compared the value with that query")
    census_checked: PartialDate | None = Field(
        description="the day refresh-census compared the value with the Census Bureau's API; null when not yet checked"
    )
    census_check_note: Text | None = Field(
        default=None, description="how the value was checked: the address asked and the answer"
    )


class EcosystemPrompt(Cited):
    """An editorial link from one computed ecosystem-mapping prompt to the CTDC lessons and products that speak to it."""

    lessons: list[Slug] = Field(description="ids of the lessons (the lessons table) that speak to the prompt; may be empty")
    products: list[Slug] = Field(description="ids of the products (the products table) that speak to the prompt; may be empty")
    basis: Literal["editorial"] = Field(description="always editorial: the links are this dataset's own judgement")
    reasoning: Text = Field(description="one or two sentences on why these records speak to the prompt")


@dataclass(frozen=True)
class Table:
    """One data file: its table name on the catalog, its file, its record model and what a record is."""

    name: str
    file: str
    model: type[Record]
    noun: str  # what one record is called in messages: "unknown site 'x'"
    merged_into: str | None = None  # census rows join the metrics table on the catalog


PROGRAM_FILE = "program.yaml"
# The table registry: every data file, in the order the validator reads them and downloads list them.
TABLES: tuple[Table, ...] = (
    Table("sources", "sources.yaml", Source, "source"),
    Table("national_partners", "national_partners.yaml", NationalPartner, "organization"),
    Table("sites", "sites.yaml", Site, "site"),
    Table("organizations", "organizations.yaml", Organization, "organization"),
    Table("relationships", "relationships.yaml", Relationship, "relationship"),
    Table("products", "products.yaml", Product, "product"),
    Table("outcomes", "outcomes.yaml", Outcome, "outcome"),
    Table("lessons", "lessons.yaml", Lesson, "lesson"),
    Table("resources", "resources.yaml", Resource, "resource"),
    Table("metric_definitions", "metric_definitions.yaml", MetricDefinition, "metric"),
    Table("metrics", "metrics.yaml", Metric, "metric value"),
    Table("census", "census.yaml", CensusFigure, "census value", merged_into="metrics"),
    Table("ecosystem_prompts", "ecosystem_prompts.yaml", EcosystemPrompt, "ecosystem prompt"),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}
CATALOG_TABLES: tuple[str, ...] = tuple(table.name for table in TABLES if table.merged_into is None)


@dataclass(frozen=True)
class Reference:
    """A field whose values must be ids of records in ``targets`` (or one of ``also``)."""

    table: str
    field: str
    targets: tuple[str, ...]
    also: tuple[str, ...] = ()


# Cross-references, checked by the validator. Every table's ``sources`` field also points into sources.
REFERENCES: tuple[Reference, ...] = (
    Reference("organizations", "sites", ("sites",)),
    Reference("relationships", "source", ("organizations", "national_partners")),
    Reference("relationships", "target", ("organizations", "national_partners")),
    Reference("relationships", "site", ("sites",)),
    Reference("products", "site", ("sites",)),
    Reference("outcomes", "product", ("products",)),
    Reference("lessons", "site", ("sites",), also=(CROSS_SITE,)),
    Reference("resources", "sites", ("sites",)),
    Reference("metrics", "site", ("sites",)),
    Reference("metrics", "metric", ("metric_definitions",)),
    Reference("census", "site", ("sites",)),
    Reference("census", "metric", ("metric_definitions",)),
    Reference("census", "value_source", ("sources",)),
    Reference("census", "census_query", ("sources",)),
    Reference("ecosystem_prompts", "lessons", ("lessons",)),
    Reference("ecosystem_prompts", "products", ("products",)),
    *(Reference(table.name, "sources", ("sources",)) for table in TABLES if table.name != "sources"),
)
