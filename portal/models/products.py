"""The vendor's products and their versions: records administrators keep, not configuration."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.types import UTCDateTime, utcnow


class Product(db.Model):
    """A product cases are filed for and articles are written about. A retired product stays
    on the cases and articles that name it but is no longer offered for new ones."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    versions: Mapped[list[ProductVersion]] = relationship(
        "ProductVersion",
        back_populates="product",
        cascade="all, delete-orphan",
        order_by="ProductVersion.id",
    )

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class ProductVersion(db.Model):
    """One version of a product. Only a released one is offered on the case form."""

    __tablename__ = "product_versions"
    __table_args__ = (UniqueConstraint("product_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    version: Mapped[str] = mapped_column(String(40))
    is_released: Mapped[bool] = mapped_column(default=False)
    released_on: Mapped[date | None] = mapped_column(Date)
    end_of_support_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship("Product", back_populates="versions")
