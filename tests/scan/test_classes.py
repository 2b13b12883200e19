"""Every misconfiguration in the zoo is found with its class; correct endpoints stay quiet."""

from __future__ import annotations

import pytest

from corsguard.codes import Severity
from corsguard.codes.scan import BY_CLASS, CLASS_IDS
from corsguard.scan.runner import TargetResult
from tests.scan import zoo


def classes(result: TargetResult) -> dict[str, Severity]:
    return {f.evidence["class"]: f.severity for f in result.findings}


@pytest.mark.parametrize("class_id", list(zoo.MISCONFIGURED))
def test_misconfigured_endpoint_reports_its_class(
    zoo_results: dict[str, TargetResult], class_id: str
) -> None:
    result = zoo_results[class_id]
    assert result.error is None
    assert class_id in classes(result), classes(result)


@pytest.mark.parametrize("name", zoo.CORRECT)
def test_correct_endpoint_has_nothing_above_info(
    zoo_results: dict[str, TargetResult], name: str
) -> None:
    found = classes(zoo_results[name])
    assert all(severity == Severity.INFO for severity in found.values()), found


def test_zoo_covers_every_scan_class() -> None:
    assert set(zoo.MISCONFIGURED) == set(BY_CLASS) == set(CLASS_IDS.values())


@pytest.mark.parametrize(
    ("endpoint", "class_id", "severity"),
    [
        # credentialed read by any site
        ("origin-reflection", "origin-reflection", Severity.CRITICAL),
        ("null-origin", "null-origin", Severity.CRITICAL),
        (
            "credential-conditional-reflection",
            "credential-conditional-reflection",
            Severity.CRITICAL,
        ),
        # credentialed read by a registrable attacker domain
        ("prefix-match", "prefix-match", Severity.HIGH),
        ("unescaped-dot", "unescaped-dot", Severity.HIGH),
        ("insecure-origin", "insecure-origin", Severity.HIGH),
        # needs a foothold first
        ("any-subdomain", "any-subdomain", Severity.INFO),
        # public data only
        ("wildcard-origin", "wildcard-origin", Severity.INFO),
        ("public", "wildcard-origin", Severity.INFO),
        ("wildcard-with-credentials", "wildcard-with-credentials", Severity.MEDIUM),
        ("missing-vary", "missing-vary", Severity.MEDIUM),
    ],
)
def test_severity_follows_what_the_attacker_reads(
    zoo_results: dict[str, TargetResult], endpoint: str, class_id: str, severity: Severity
) -> None:
    assert classes(zoo_results[endpoint])[class_id] == severity


def test_broader_class_folds_the_grants_it_explains(zoo_results: dict[str, TargetResult]) -> None:
    # Reflection accepts every probe; the report names the cause once, not each symptom.
    reflection = zoo_results["origin-reflection"]
    assert list(classes(reflection)) == ["origin-reflection"]
    (finding,) = reflection.findings
    assert finding.evidence["also_granted_count"] > 20


def test_findings_carry_why_exploit_and_fix(zoo_results: dict[str, TargetResult]) -> None:
    for result in zoo_results.values():
        for finding in result.findings:
            evidence = finding.evidence
            assert evidence["why"]
            assert evidence["exploit"]
            assert finding.fix
            assert finding.message.startswith(result.target.url + ": ")
            assert BY_CLASS[evidence["class"]].code == finding.code


def test_unregistrable_dot_variant_alone_is_informational() -> None:
    from corsguard.scan.probes import parse_trusted
    from corsguard.scan.runner import ScanOptions, Target, scan

    # Accepts only the variant with the last dot replaced: 'app.examplexcom' has no owner.
    def app_factory() -> object:
        decide = zoo.allow_if(lambda o: o == "https://app.examplexcom")
        return zoo.handwritten(decide)

    (result,) = scan(
        [Target("https://api.example.com/x")],
        [parse_trusted(zoo.TRUSTED)],
        ScanOptions(app=app_factory(), token="cgtest2"),
    )
    assert classes(result) == {"unescaped-dot": Severity.INFO}
