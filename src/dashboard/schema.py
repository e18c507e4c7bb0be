"""Typed schema of the dataset: one pydantic model per kind of record in ``data/``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, Union, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field


SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
_DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def _date_to_text(value: object) -> object:
    """Accept YAML dates and bare years as ISO text; leave anything else for validation."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value)
    return value


def _check_partial_date(value: str) -> str:
    if not _DATE_RE.match(value):
        raise ValueError("must be an ISO date: YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def _check_http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise ValueError("must be an http:// or https:// URL")
    return value


def _check_plain_text(value: str) -> str:
    if re.search(r"<\s*/?\s*[a-zA-Z][^>]*>", value):
        raise ValueError("must be plain text (HTML tags are not allowed)")
    return value


Slug = Annotated[str, Field(pattern=SLUG_PATTERN, min_length=1, max_length=80)]
Text = Annotated[str, Field(min_length=1), AfterValidator(_check_plain_text)]
PartialDate = Annotated[str, BeforeValidator(_date_to_text), AfterValidator(_check_partial_date)]
HttpUrl = Annotated[str, AfterValidator(_check_http_url)]
SourceIds = Annotated[list[Slug], Field(min_length=1)]

# The vocabularies: each is declared once, here. The tuples beside them are what the rest of the
# package iterates over (in this order: it is the order pages show them in).
Role = Literal["implementation", "learning"]
OrganizationType = Literal[
    "local government", "civic tech group", "data intermediary", "community organization", "university", "funder", "other"
]
Theme = Literal[
    "civic engagement", "public safety", "employment", "open data", "open source tools",
    "housing", "youth", "justice", "health", "data literacy",
]
ProductStatus = Literal["active", "merged", "archived", "discontinued", "unknown"]
LessonSection = Literal[
    "Ingredients", "Engaging low-income residents", "Mobilizing for collective action",
    "Resourcing collaboratives", "Sustaining the gain",
]
SectionBasis = Literal["source", "editorial"]
ResourceKind = Literal["synthesis", "guide", "case study", "toolkit", "blog"]
SourceKind = Literal["report", "case study", "blog", "news", "web page", "code repository", "dataset", "reference", "slides"]
Confidence = Literal["confirmed", "single-source", "unconfirmed"]
RelationshipKind = Literal["led", "co-led", "built", "funded", "hosted", "convened", "partnered", "staffed", "sponsored"]
ValueType = Literal["number", "year", "text"]

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
VALUE_TYPES: tuple[str, ...] = get_args(ValueType)


class Record(BaseModel):
    """Base of every record: strict types, no unknown fields, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Cited(Record):
    """A record with a stable id that cites at least one source."""

    id: Slug
    sources: SourceIds


class Program(Record):
    """The multi-site program the dataset describes (``program.yaml``)."""

    id: Slug
    name: Text
    short_name: Text
    years: Text
    summary: Text
    data_as_of: PartialDate
    sources: SourceIds


class Source(Record):
    """A cited public document."""

    id: Slug
    title: Text
    publisher: Text
    date: PartialDate | None
    url: HttpUrl
    kind: SourceKind
    note: Text | None = None


class NationalPartner(Cited):
    """A national organization that ran or funded the program."""

    name: Text
    role: Text
    url: HttpUrl | None = None


class Site(Cited):
    """One of the program's local sites."""

    name: Text
    state: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    role: Role
    grant_usd: Annotated[int, Field(ge=0)]
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    landmark: Text
    summary: Text
    census_geoid: Annotated[str, Field(pattern=r"^\d{7}$")] | None = None


class Organization(Cited):
    """A local organization taking part at one or more sites."""

    name: Text
    type: OrganizationType
    sites: list[Slug]
    role: Text | None = None
    url: HttpUrl | None = None


class Relationship(Cited):
    """A documented tie between two organizations or national partners."""

    source: Slug
    target: Slug
    kind: RelationshipKind
    site: Slug | None
    note: Text | None = None


class Product(Cited):
    """What a site built or ran, and what became of it."""

    site: Slug
    name: Text
    description: Text
    themes: Annotated[list[Theme], Field(min_length=1)]
    launched: PartialDate | None
    urls: list[HttpUrl]
    code: list[HttpUrl]
    license: Text | None
    status: ProductStatus
    status_note: Text
    status_as_of: PartialDate


class Outcome(Cited):
    """A measured result of a product."""

    product: Slug
    measure: Text
    value: float | None
    unit: Text
    year: PartialDate
    note: Text | None = None


class Lesson(Cited):
    """A lesson learned, tagged with a synthesis section."""

    site: Slug
    text: Text
    section: LessonSection
    section_basis: SectionBasis
    themes: list[Theme] = []


class Resource(Cited):
    """A publication the program produced (synthesis, guide, case study, toolkit, blog)."""

    title: Text
    kind: ResourceKind
    publisher: Text
    date: PartialDate | None
    url: HttpUrl
    summary: Text
    sites: list[Slug] = []


class MetricDefinition(Cited):
    """What an ecosystem metric measures."""

    label: Text
    group: Text
    value_type: ValueType
    unit: Text | None
    description: Text


class Metric(Cited):
    """One value of one metric for one site at one vintage (long form)."""

    site: Slug
    metric: Slug
    value: Union[float, str, None]
    unit: Text | None
    vintage: Text | None
    confidence: Confidence
    note: Text | None = None


class EcosystemPrompt(Cited):
    """An editorial link from one computed ecosystem-mapping prompt (its id in the network module)
    to the CTDC lessons and products that speak to it, with the reasoning behind the link."""

    lessons: list[Slug]
    products: list[Slug]
    basis: Literal["editorial"]
    reasoning: Text


RECORD_MODELS: dict[str, type[Record]] = {
    "sources": Source,
    "national_partners": NationalPartner,
    "sites": Site,
    "organizations": Organization,
    "relationships": Relationship,
    "products": Product,
    "outcomes": Outcome,
    "lessons": Lesson,
    "resources": Resource,
    "metric_definitions": MetricDefinition,
    "metrics": Metric,
    "census": Metric,
    "ecosystem_prompts": EcosystemPrompt,
}
