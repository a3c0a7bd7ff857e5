"""The demo seeder: categories, threads (some solved) and ideas with votes; safe to rerun."""

from __future__ import annotations

from portal.cli.demo import seed_all
from portal.extensions import db
from portal.models import Category, Idea, IdeaVote, Topic


def test_demo_seed_adds_forums_and_ideas_once(app) -> None:
    lines = seed_all()
    db.session.commit()
    assert any(line.startswith("forums: 6 categories") for line in lines)
    topics = db.session.query(Topic).all()
    assert db.session.query(Category).count() == 6
    assert len(topics) >= 4 and sum(t.solved for t in topics) == 2
    ideas = {i.title: i for i in db.session.query(Idea)}
    assert ideas["Schedule snapshots from XenCenter"].status == "planned"
    assert ideas["Schedule snapshots from XenCenter"].vote_count == 3
    votes = db.session.query(IdeaVote).count()

    again = seed_all()
    db.session.commit()
    assert "forums: 0 categories and 0 topics added" in again
    assert "ideas: 0 added" in again
    assert db.session.query(Topic).count() == len(topics)
    assert db.session.query(IdeaVote).count() == votes
