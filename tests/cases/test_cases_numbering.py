"""Case numbers: shown to people, unique, never reused, safe when many file at once."""

from __future__ import annotations

import threading

from portal.cases.filing import CaseDraft, file_case, next_case_number
from portal.extensions import db
from portal.models import Case, Organisation, User
from tests.conftest import make_case


def test_case_numbers_are_eight_digits_and_increase(gold_contact, contoso):
    first = make_case(gold_contact, contoso)
    second = make_case(gold_contact, contoso)
    assert len(first.number) == 8 and first.number.isdigit()
    assert int(second.number) == int(first.number) + 1


def test_a_rolled_back_filing_never_hands_its_number_to_a_later_case(gold_contact, contoso):
    taken = next_case_number()
    db.session.commit()  # e.g. a filing that failed after taking its number in another process
    case = make_case(gold_contact, contoso)
    assert case.number != taken and int(case.number) > int(taken)


def test_fifty_concurrent_filings_get_fifty_distinct_numbers(app, gold_contact, contoso):
    contact_id, organisation_id = gold_contact.id, contoso.id
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Event()

    def file_one(n: int) -> None:
        try:
            start.wait(timeout=30)  # all threads are started before any files
            with app.app_context():
                contact = db.session.get(User, contact_id)
                organisation = db.session.get(Organisation, organisation_id)
                draft = CaseDraft(
                    subject=f"Concurrent case {n}",
                    description="Filed at the same moment as 49 others.",
                    severity="P3",
                    product="XenServer",
                )
                case = file_case(contact, organisation, draft)
                db.session.commit()
                numbers.append(case.number)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=file_one, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    assert len(numbers) == 50 and len(set(numbers)) == 50
    db.session.expire_all()
    stored = db.session.scalars(db.select(Case.number)).all()
    assert sorted(stored) == sorted(numbers)
