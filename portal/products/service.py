"""The product catalogue: which products exist, which of their versions are released, and the
administrators' changes to it. Every feature that names a product asks here.

Versions compare by their numbers with trailing zeros dropped, so "5.0" and "5.0.0" are the
same version; the recorded spelling is the one kept on a case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.dates import RANGE_HINT, parse_day
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import Product, ProductVersion
from portal.models.types import utcnow
from portal.reader_cache import shared_value

MAX_NAME = 80
MAX_VERSION = 40
VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,39}$")
NAME_PATTERN = re.compile(r"^[^\x00-\x1f<>]{1,80}$")

# The catalogue before products were records; the data migration writes the same rows.
STANDARD_CATALOGUE: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "XenServer",
        (
            ("4.0.0", "2007-08-20"),
            ("4.0.1", "2007-09-10"),
            ("4.1.0", "2008-03-04"),
            ("5.0.0", "2008-09-15"),
        ),
    ),
    ("XenCenter", (("4.0.0", "2007-08-20"), ("4.1.0", "2008-03-04"), ("5.0.0", "2008-09-15"))),
    ("XenServer Tools", (("4.1.0", "2008-03-04"), ("5.0.0", "2008-09-15"))),
)


# --- versions as numbers -----------------------------------------------------------------


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """A sortable key: numeric parts as numbers, trailing zeros dropped ("5.0" == "5.0.0")."""
    parts: list[tuple[int, int | str]] = [
        (0, int(part)) if part.isdigit() else (1, part.lower())
        for part in re.split(r"[.\-]", version.strip())
        if part
    ]
    while parts and parts[-1] == (0, 0) and len(parts) > 1:
        parts.pop()
    return tuple(parts)


def major_of(version: str) -> int | None:
    """The major release a version belongs to (the number before the first dot)."""
    head = re.match(r"\s*(\d+)", version or "")
    return int(head.group(1)) if head else None


# --- reading -------------------------------------------------------------------------------


def _ordered():  # noqa: ANN202 - a Select
    return select(Product).order_by(Product.position, Product.name)


def product_names(*, include_retired: bool = False) -> list[str]:
    """The products offered for new cases and articles (with retired ones if asked); read
    once and kept until a product changes, as nearly every page asks for them."""

    def read() -> tuple[str, ...]:
        query = _ordered().with_only_columns(Product.name)
        if not include_retired:
            query = query.where(Product.retired_at.is_(None))
        return tuple(db.session.scalars(query))

    return list(shared_value(("product_names", include_retired), read))


def is_product(name: str | None, *, include_retired: bool = False) -> bool:
    return bool(name) and name in product_names(include_retired=include_retired)


def all_products() -> list[Product]:
    """Every product with its versions, for the administrators' list (two statements)."""
    return list(db.session.scalars(_ordered().options(selectinload(Product.versions))))


def find_product(name: str) -> Product | None:
    return db.session.scalar(select(Product).where(Product.name == name))


def find_product_by_slug(slug: str) -> Product | None:
    return db.session.scalar(
        select(Product).where(Product.slug == slug).options(selectinload(Product.versions))
    )


def _offered(version: ProductVersion, today: date) -> bool:
    return version.is_released and (
        version.end_of_support_on is None or version.end_of_support_on >= today
    )


def released_versions_by_product(today: date | None = None) -> dict[str, list[str]]:
    """Each current product's released, still supported versions, newest first (one query)."""
    today = today or date.today()
    rows = db.session.execute(
        select(Product.name, ProductVersion)
        .join(ProductVersion, ProductVersion.product_id == Product.id)
        .where(Product.retired_at.is_(None), ProductVersion.is_released.is_(True))
        .order_by(Product.position, Product.name)
    )
    found: dict[str, list[str]] = {name: [] for name in product_names()}
    for name, version in rows:
        if _offered(version, today):
            found.setdefault(name, []).append(version.version)
    return {name: sorted(vs, key=version_key, reverse=True) for name, vs in found.items()}


def released_versions(product: str, today: date | None = None) -> list[str]:
    """The versions of one product a case can be filed for, newest first."""
    return released_versions_by_product(today).get(product, [])


def check_version(product: str, version: str, today: date | None = None) -> str:
    """The recorded spelling of a released version of the product; "" stays "" (a customer
    may not know the version). A DomainError on `version` otherwise."""
    version = (version or "").strip()
    if not version:
        return ""
    offered = released_versions(product, today)
    wanted = version_key(version)
    for recorded in offered:
        if version_key(recorded) == wanted:
            return recorded
    if not offered:
        raise DomainError(f"{product} has no released version to choose.", "version")
    raise DomainError(f"Choose a released version of {product}: {', '.join(offered)}.", "version")


def newest_majors() -> dict[str, int]:
    """Each product's newest released major release number, from one query."""
    newest: dict[str, int] = {}
    rows = db.session.execute(
        select(Product.name, ProductVersion.version)
        .join(ProductVersion, ProductVersion.product_id == Product.id)
        .where(ProductVersion.is_released.is_(True))
    )
    for name, version in rows:
        major = major_of(version)
        if major is not None and major > newest.get(name, -1):
            newest[name] = major
    return newest


def is_superseded(product: str, versions: Iterable[str], majors: Mapping[str, int]) -> bool:
    """True when an article names versions and every one belongs to a major release older
    than the product's newest: a newer major release replaced what it describes."""
    numbers = [major_of(v) for v in versions or ()]
    newest = majors.get(product or "")
    if newest is None or not numbers or any(n is None for n in numbers):
        return False
    return max(n for n in numbers if n is not None) < newest


# --- changing ------------------------------------------------------------------------------


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:MAX_NAME] or "product"


def _clean_name(name: Any) -> str:
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not text:
        raise DomainError("Give the product a name.", "name")
    if len(text) > MAX_NAME or not NAME_PATTERN.match(text):
        raise DomainError(
            f"A product name is at most {MAX_NAME} characters, without < or >.", "name"
        )
    return text


def create_product(name: Any) -> Product:
    """A new product, offered from now on; its name and its address must be new."""
    name = _clean_name(name)
    if db.session.scalar(select(Product.id).where(func.lower(Product.name) == name.lower())):
        raise DomainError(f"{name} is already a product.", "name", status=409)
    slug = base = slugify(name)
    counter = 2
    while db.session.scalar(select(Product.id).where(Product.slug == slug)):
        slug, counter = f"{base}-{counter}"[:MAX_NAME], counter + 1
    position = db.session.scalar(select(func.coalesce(func.max(Product.position), -1))) + 1
    product = Product(name=name, slug=slug, position=position, created_at=utcnow())
    db.session.add(product)
    db.session.flush()
    return product


def ensure_products(names: Iterable[str]) -> list[Product]:
    """The named products, creating those that do not exist yet (`kb import --create-products`)."""
    made = []
    for name in dict.fromkeys(names):
        if find_product(name) is None:
            made.append(create_product(name))
    return made


def _day(value: Any, label: str, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    day = parse_day(value)
    if day is None:
        raise DomainError(f"The {label} must look like 2026-11-25, {RANGE_HINT}.", field)
    return day


def save_version(
    product: Product, version: ProductVersion | None, data: Mapping[str, Any]
) -> ProductVersion:
    """Add a version to a product or change one; a released version needs its release date."""
    text = str(data.get("version") or "").strip()
    if not VERSION_PATTERN.match(text):
        raise DomainError(
            "Give a version such as 5.0.1 (letters, digits, dots, dashes; 40 at most).",
            "version",
        )
    released = data.get("is_released") in (True, "y", "on", "true", "1", "yes")
    released_on = _day(data.get("released_on"), "release date", "released_on")
    end_of_support = _day(data.get("end_of_support_on"), "end of support", "end_of_support_on")
    if released and released_on is None:
        raise DomainError("Give the date the version was released.", "released_on")
    if released_on and end_of_support and end_of_support < released_on:
        raise DomainError(
            "Support cannot end before the version was released.", "end_of_support_on"
        )
    for other in product.versions:
        if other is not version and version_key(other.version) == version_key(text):
            raise DomainError(
                f"{product.name} {other.version} is already recorded.", "version", status=409
            )
    if version is None:
        version = ProductVersion(product=product, version=text)
        db.session.add(version)
    version.version = text
    version.is_released = released
    version.released_on = released_on
    version.end_of_support_on = end_of_support
    db.session.flush()
    return version


def retire_product(product: Product, now: datetime | None = None) -> Product:
    """No longer offered for new cases and articles; what names it keeps the name."""
    if product.retired_at is None:
        product.retired_at = now or utcnow()
        db.session.flush()
    return product


def restore_product(product: Product) -> Product:
    product.retired_at = None
    db.session.flush()
    return product


def seed_standard_products() -> str:
    """The standard catalogue; products and versions already present are left as they are."""
    added = 0
    for name, versions in STANDARD_CATALOGUE:
        product = find_product(name) or create_product(name)
        known = {version_key(v.version) for v in product.versions}
        for text, released_on in versions:
            if version_key(text) in known:
                continue
            save_version(
                product, None, {"version": text, "is_released": True, "released_on": released_on}
            )
            added += 1
    return f"products: {added} versions added"
