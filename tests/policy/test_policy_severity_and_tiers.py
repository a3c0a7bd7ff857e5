"""Severities and tiers: codes, names, meanings and parsing."""

import pytest

from portal.policy import Severity, Tier


def test_severities_run_from_p1_to_p5_in_urgency_order():
    assert [s.value for s in Severity] == ["P1", "P2", "P3", "P4", "P5"]
    assert sorted(Severity, reverse=True)[-1] is Severity.P1


@pytest.mark.parametrize(
    ("severity", "label"),
    [
        (Severity.P1, "Critical"),
        (Severity.P2, "High"),
        (Severity.P3, "Medium"),
        (Severity.P4, "Low"),
        (Severity.P5, "Enhancement"),
    ],
)
def test_each_severity_has_a_short_label(severity, label):
    assert severity.label == label


@pytest.mark.parametrize(
    ("severity", "words"),
    [
        (Severity.P1, ["mission-critical", "server", "data", "nothing"]),
        (Severity.P2, ["documentation", "feature", "stopgap"]),
        (Severity.P3, ["not critical", "keep working"]),
        (Severity.P4, ["cosmetic", "documentation", "question"]),
        (Severity.P5, ["idea", "new capability"]),
    ],
)
def test_each_severity_definition_carries_the_programmes_meaning(severity, words):
    definition = severity.definition
    assert definition.endswith(".")
    for word in words:
        assert word in definition


def test_severity_is_stored_and_compared_as_its_code():
    assert Severity.P2 == "P2"
    assert str(Severity.P2) == "P2"


@pytest.mark.parametrize("text", ["P1", "p1", " P1 ", "\tp1\n"])
def test_severity_parse_accepts_code_in_any_case(text):
    assert Severity.parse(text) is Severity.P1


def test_severity_parse_accepts_a_severity():
    assert Severity.parse(Severity.P4) is Severity.P4


@pytest.mark.parametrize("text", ["P6", "P0", "", "1", "critical", "PP1", None, 1])
def test_severity_parse_rejects_anything_else_naming_the_valid_codes(text):
    with pytest.raises(ValueError, match="expected one of P1, P2, P3, P4, P5"):
        Severity.parse(text)


def test_tiers_are_base_and_gold_with_labels():
    assert [(t.value, t.label) for t in Tier] == [("base", "Base"), ("gold", "Gold")]


@pytest.mark.parametrize(("text", "tier"), [("gold", Tier.GOLD), (" Base ", Tier.BASE)])
def test_tier_parse_accepts_code_in_any_case(text, tier):
    assert Tier.parse(text) is tier


@pytest.mark.parametrize("text", ["platinum", "", None])
def test_tier_parse_rejects_unknown_tiers(text):
    with pytest.raises(ValueError, match="expected one of base, gold"):
        Tier.parse(text)
