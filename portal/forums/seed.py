"""The standard forum categories, and the demo's threads (`flask demo seed`)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts import service as accounts
from portal.extensions import db
from portal.forums import service
from portal.models import Category, Topic
from portal.models.types import utcnow

DEFAULT_CATEGORIES = [
    ("xenserver", "XenServer", "Hosts, pools, virtual machines and the hypervisor itself."),
    ("xencenter", "XenCenter", "The Windows management console: views, graphs and wizards."),
    (
        "installation-and-upgrades",
        "Installation and Upgrades",
        "First installs, moving between releases, and license keys for a new major version.",
    ),
    ("networking", "Networking", "Bonds, VLANs, guest networks and management interfaces."),
    ("storage", "Storage", "Local disks, NFS, iSCSI and Fibre Channel storage repositories."),
    (
        "feature-requests",
        "Feature Requests and Suggestions",
        "Talk through ideas; add them to the ideas board so others can vote.",
    ),
]


def ensure_categories() -> int:
    """Create any standard category that is missing; returns how many were created."""
    existing = set(db.session.scalars(select(Category.slug)))
    created = 0
    for position, (slug, name, description) in enumerate(DEFAULT_CATEGORIES):
        if slug in existing:
            continue
        db.session.add(Category(slug=slug, name=name, description=description, position=position))
        created += 1
    db.session.flush()
    return created


# (category, title, author, [(author, body)], index of the solving reply or None)
DEMO_THREADS = [
    (
        "storage",
        "NFS storage repository stays detached after a host reboot",
        "admin@base.example.com",
        [
            (
                "admin@base.example.com",
                "After rebooting one host in our pool, its NFS storage repository shows as "
                "detached and the VMs on it will not start. Running XenServer 4.0.1.\n\n"
                "Has anyone seen this?",
            ),
            (
                "tse@support.example.com",
                "This usually means the host tried to mount the export before its storage "
                "network was up. Select the repository in XenCenter and choose **Repair**; it "
                "re-plugs the connection on every host.\n\nThe 4.0.1 update also fixes the "
                "ordering, so check that every host in the pool has it.",
            ),
            (
                "admin@base.example.com",
                "Repair brought it back, thank you. One host was still on 4.0.0.",
            ),
        ],
        1,
    ),
    (
        "networking",
        "Tagging guest traffic with VLANs on a bonded interface",
        "admin@gold.example.com",
        [
            (
                "admin@gold.example.com",
                "We want guests on VLANs 20 and 30 over a two-NIC bond. Do we create the "
                "VLANs on each NIC or on the bond?",
            ),
            (
                "eval@example.com",
                "Create the bond first, then create each VLAN network on top of the bond. "
                "VLANs made on the member NICs are ignored once they are bonded.",
            ),
        ],
        1,
    ),
    (
        "xencenter",
        "Performance graphs show gaps overnight",
        "eval@example.com",
        [
            (
                "eval@example.com",
                "XenCenter's host graphs have gaps between 02:00 and 03:00 most nights. "
                "Is data being lost?",
            ),
            (
                "admin@gold.example.com",
                "We see the same during our backup window. Is your backup job snapshotting "
                "the control domain at that time?",
            ),
        ],
        None,
    ),
    (
        "installation-and-upgrades",
        "Do I need a new license key to upgrade from 4.0 to 4.1?",
        "admin@base.example.com",
        [
            (
                "admin@base.example.com",
                "We plan to move our pool from 4.0.1 to 4.1. Will our current keys work?",
            ),
        ],
        None,
    ),
]


def seed_demo_forums() -> str:
    """Categories and a handful of threads; threads already there (by title) are kept."""
    created_categories = ensure_categories()
    existing = set(db.session.scalars(select(Topic.title)))
    added = 0
    start = utcnow() - timedelta(days=20)
    for number, (slug, title, author_email, posts, solved_index) in enumerate(DEMO_THREADS):
        if title in existing:
            continue
        author = accounts.find_user_by_email(author_email)
        category = service.find_category(slug)
        if author is None or category is None:
            continue
        topic = service.create_topic(category, author, title, posts[0][1])
        replies = []
        for reply_email, body in posts[1:]:
            replier = accounts.find_user_by_email(reply_email)
            if replier is not None:
                replies.append(service.reply(topic, replier, body))
        # Spread the demo over the last weeks, a few hours between replies.
        moment = start + timedelta(days=number * 4)
        topic.created_at = moment
        for offset, post in enumerate(service.topic_posts(topic, author).items):
            post.created_at = moment + timedelta(hours=offset * 3)
        topic.last_activity_at = moment + timedelta(hours=len(replies) * 3)
        if solved_index is not None and len(replies) >= solved_index:
            service.mark_solved(topic, replies[solved_index - 1], topic.author)
        added += 1
    db.session.flush()
    return f"forums: {created_categories} categories and {added} topics added"
