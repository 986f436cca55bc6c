"""Pod Security admission's labels and levels (gitops/k8s/podsecurity.py)."""

from __future__ import annotations

from gitops.k8s import podsecurity


def test_levels_read_each_modes_label_and_none_where_there_is_none():
    labels = {"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "baseline"}
    assert podsecurity.levels(labels) == {"enforce": "restricted", "audit": None, "warn": "baseline"}
    assert podsecurity.levels(None) == {"enforce": None, "audit": None, "warn": None}


def test_each_level_is_stricter_than_the_one_before_and_no_label_is_privileged():
    assert [podsecurity.strictness(level) for level in ("privileged", "baseline", "restricted")] == [0, 1, 2]
    assert podsecurity.strictness(None) == podsecurity.strictness("no-such-level") == 0


def test_the_version_label_pins_a_mode():
    assert podsecurity.version_label("enforce") == "pod-security.kubernetes.io/enforce-version"


def test_restricted_violations_are_named_as_the_api_server_names_them():
    from gitops.k8s.podsecurity import restricted_violations

    image_user = {"containers": [{"name": "redis", "image": "redis:7-alpine"}]}
    assert restricted_violations(image_user) == [
        "allowPrivilegeEscalation != false",
        "unrestricted capabilities",
        "runAsNonRoot != true",
        "seccompProfile",
    ]
    ours = {
        "securityContext": {"runAsNonRoot": True, "runAsUser": 10001},
        "containers": [
            {
                "name": "redis",
                "securityContext": {
                    "allowPrivilegeEscalation": False,
                    "capabilities": {"drop": ["ALL"]},
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
            }
        ],
    }
    assert restricted_violations(ours) == []
    assert restricted_violations({**ours, "hostNetwork": True}) == ["host namespaces"]


def test_restricted_violations_agree_with_check_on_the_fixture_and_on_ours():
    """The API server's words (podsecurity.py) and check's pss-restricted rule pass and fail the same templates."""
    from pathlib import Path

    from gitops.k8s import manifests
    from gitops.k8s.podsecurity import restricted_violations
    from gitops.k8s.workloads import pod_template
    from gitops.review.check.pss import _Pod

    root = Path(__file__).resolve().parents[2]
    resources = manifests.load([root / "tests" / "fixtures" / "live" / "manifests", root / "dist" / "prod"])
    templates = [t for r in resources if (t := pod_template(r)) is not None]
    assert len(templates) == 8
    for template in templates:
        checker = _Pod(template)
        issues = [*checker.pod_level(), *(i for c in template.containers() for i in checker.container(c))]
        assert bool(issues) == bool(restricted_violations(template.spec)), template
