"""Staff profiles: the team someone works in and the skills that help route cases to them."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import StaffProfile, User


def profile_for(user: User) -> StaffProfile | None:
    return db.session.scalar(select(StaffProfile).where(StaffProfile.user_id == user.id))


def parse_skills(text: str) -> list[str]:
    skills = []
    for item in re.split(r"[,\n]+", text):
        item = item.strip()
        if not item:
            continue
        if len(item) > 40:
            raise DomainError(f"Keep each skill under 40 characters ({item[:40]}…).", "skills")
        if item.lower() not in (s.lower() for s in skills):
            skills.append(item)
    if len(skills) > 20:
        raise DomainError("List at most 20 skills.", "skills")
    return skills


def update_profile(user: User, team: str, skills: str) -> StaffProfile:
    team = team.strip()
    if len(team) > 80:
        raise DomainError("Keep the team name under 80 characters.", "team")
    record = profile_for(user) or StaffProfile(user_id=user.id)
    record.team = team
    record.skills = parse_skills(skills)
    db.session.add(record)
    db.session.flush()
    return record


DEMO_PROFILES = {
    "tse@support.example.com": (
        "Americas virtualisation",
        ["storage", "iSCSI", "NFS", "XenMotion"],
    ),
    "manager@support.example.com": ("Americas virtualisation", ["escalations", "licensing"]),
}


def seed_demo_profiles() -> str:
    added = 0
    for email, (team, skills) in DEMO_PROFILES.items():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None or profile_for(user) is not None:
            continue
        db.session.add(StaffProfile(user_id=user.id, team=team, skills=skills))
        added += 1
    db.session.flush()
    return f"staff profiles: {added} added"
