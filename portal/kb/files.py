"""Articles as Markdown files with YAML front matter (SPEC §5): import and export."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml
from sqlalchemy import select

from portal.domain_error import DomainError
from portal.extensions import db
from portal.kb.service import find_article, save_article
from portal.models import Article
from portal.products.service import ensure_products, is_product

KB_FOLDER = Path(__file__).resolve().parent.parent.parent / "kb_articles"


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    created_products: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.refused)} refused"
        )


def read_file(path: Path) -> dict[str, object]:
    """The file's front matter and body; raises DomainError saying what is wrong with it."""
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise DomainError("the file is not UTF-8 text") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise DomainError(f"the front matter is not valid YAML{where}") from error
    if not isinstance(post.metadata, dict):
        raise DomainError("the front matter is not a set of fields")
    data: dict[str, object] = dict(post.metadata) | {"body": post.content}
    if not data.get("title"):
        raise DomainError("it has no title")
    data.setdefault("slug", path.stem)
    return data


def _check_product(data: dict[str, object], create_products: bool) -> str | None:
    """Refuse a file naming a product the portal does not know, unless told to create it;
    returns the name of the product it created."""
    product = data.get("product")
    if not isinstance(product, str) or not product.strip():
        return None
    name = " ".join(product.split())
    if is_product(name, include_retired=True):
        return None
    if not create_products:
        raise DomainError(
            f"unknown product {name[:80]!r} (add it in /admin/products, or import with "
            "--create-products)"
        )
    ensure_products([name])
    return name


def import_folder(
    folder: Path,
    editor=None,  # noqa: ANN001 - a User or None
    *,
    create_products: bool = False,
) -> ImportReport:
    """Upsert every `*.md` of a folder by slug; a bad file is named and skipped, not fatal.
    A file naming an unknown product is refused unless `create_products`, which adds it."""
    report = ImportReport()
    for path in sorted(folder.glob("*.md")):
        try:
            data = read_file(path)
            existing = find_article(str(data.get("slug") or "").lower(), include_drafts=True)
            # One savepoint: a file refused for any reason adds no product either.
            with db.session.begin_nested():
                created = _check_product(data, create_products)
                _, changed = save_article(existing, data, editor, note=f"Imported from {path.name}")
        except DomainError as error:
            report.refused.append((path.name, str(error)))
            continue
        except (OSError, ValueError) as error:
            report.refused.append((path.name, f"cannot be read ({error.__class__.__name__})"))
            continue
        if created:
            report.created_products.append(created)
        if existing is None:
            report.added += 1
        elif changed:
            report.updated += 1
        else:
            report.unchanged += 1
    return report


def article_file(article: Article) -> str:
    """The article in the import format: front matter then the Markdown body."""
    post = frontmatter.Post(
        article.body,
        title=article.title,
        slug=article.slug,
        product=article.product,
        versions=list(article.versions or []),
        tags=list(article.tags or []),
        summary=article.summary,
        status=article.status,
    )
    return frontmatter.dumps(post, sort_keys=False) + "\n"


def export_folder(folder: Path) -> int:
    """Write every article (drafts too) as `<slug>.md`; returns how many files were written."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for article in db.session.scalars(select(Article).order_by(Article.slug)):
        (folder / f"{article.slug}.md").write_text(article_file(article), encoding="utf-8")
        count += 1
    return count


def seed_demo_articles() -> str:
    """The shipped corpus; articles already present are left as people edited them."""
    if not KB_FOLDER.is_dir():
        return "kb: no kb_articles folder"
    present = set(db.session.scalars(select(Article.slug)))
    added = refused = 0
    for path in sorted(KB_FOLDER.glob("*.md")):
        try:
            data = read_file(path)
            if str(data["slug"]).lower() in present:
                continue
            with db.session.begin_nested():
                save_article(None, data, None, note="Demo article")
        except (DomainError, OSError, ValueError):
            refused += 1
            continue
        added += 1
    note = f", {refused} refused (run flask kb import kb_articles for reasons)" if refused else ""
    return f"kb: {added} articles added{note}"
