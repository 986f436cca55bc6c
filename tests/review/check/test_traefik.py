"""The edge rules of `main.py check` (gitops/review/check/traefik.py): the chart k3s bundles, rendered with
k3s's values and a copy of prod's HelmChartConfig, edited the way a mistake would edit it."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops.formats import yamlio
from gitops.k8s.manifests import load_documents
from gitops.review import edge
from tests.dist_copies import edit
from tests.review.check.support import active, check, one

pytestmark = pytest.mark.skipif(not edge.HELM.exists(), reason="Helm is built by `make setup`")

RULES = (
    "traefik-chart-values",
    "traefik-host-ports",
    "traefik-update-strategy",
    "traefik-priority-class",
    "traefik-trusted-proxies",
    "traefik-pod-security",
)
DAEMONSET = "rendered DaemonSet kube-system/traefik: "
CONTAINER = "spec.template.spec.containers[traefik]"


def _values(root: Path, change) -> None:
    """Edit the chart values of the copy's HelmChartConfig."""

    def apply(obj: dict) -> None:
        values = load_documents(obj["spec"]["valuesContent"])[0]
        change(values)
        obj["spec"]["valuesContent"] = yamlio.dumps(values)

    edit(root / "infrastructure", "HelmChartConfig", "traefik", apply)


def _findings(root: Path, rule: str) -> list[tuple[str, str]]:
    return [(f.field, f.message) for f in active(check(root), rule)]


def test_prod_as_synthesized_passes_every_edge_rule(prod_copy: Path):
    outcome = check(prod_copy)
    assert [f.rule for f in outcome.active if f.rule in RULES] == []


def test_a_key_the_chart_does_not_know(prod_copy: Path):
    _values(prod_copy, lambda v: v["ports"]["web"].update({"forwardedHeader": {"insecure": True}}))
    finding = one(check(prod_copy), "traefik-chart-values", "HelmChartConfig", "traefik")
    assert finding.field == "spec.valuesContent (ports.web.forwardedHeader)"
    assert finding.message == (
        "ports.web.forwardedHeader is not a value of the Traefik chart 37.1.1 (neither its values.yaml nor its "
        "values.schema.json has it): the chart ignores it"
    )


def test_a_type_the_chart_schema_refuses(prod_copy: Path):
    _values(prod_copy, lambda v: v.update({"hostNetwork": "yes"}))
    finding = one(check(prod_copy), "traefik-chart-values", "HelmChartConfig", "traefik")
    assert finding.field == "spec.valuesContent"
    assert finding.message.startswith("the Traefik chart 37.1.1 refuses these values: ")
    assert "at '/hostNetwork': got string, want boolean" in finding.message


def test_chart_defaults_open_ports_config_never_asked_for(prod_copy: Path):
    # Without our ports section the chart's own entry points listen on every node address.
    _values(prod_copy, lambda v: [v["ports"].pop(name) for name in ("websecure", "traefik")])
    found = _findings(prod_copy, "traefik-host-ports")
    assert found == [
        (
            f"{DAEMONSET}{CONTAINER}.args (--entryPoints.traefik)",
            "the rendered Traefik opens 8080/TCP on every node's own address; config asks for 80 only "
            "(traefik.httpPort)",
        ),
        (
            f"{DAEMONSET}{CONTAINER}.args (--entryPoints.websecure)",
            "the rendered Traefik opens 8443/TCP on every node's own address; config asks for 80 only "
            "(traefik.httpPort)",
        ),
        (
            f"{DAEMONSET}{CONTAINER}.ports[traefik]",
            "the rendered Traefik opens 8080/TCP on every node's own address; config asks for 80 only "
            "(traefik.httpPort)",
        ),
        (
            f"{DAEMONSET}{CONTAINER}.ports[websecure]",
            "the rendered Traefik opens 8443/TCP on every node's own address; config asks for 80 only "
            "(traefik.httpPort)",
        ),
    ]


def test_a_port_bound_to_loopback_is_not_public(prod_copy: Path):
    # The dashboard/ping entry point on the loopback (prod's values) is no finding; moved off it, it is.
    _values(prod_copy, lambda v: v["ports"]["traefik"].update({"hostIP": "0.0.0.0"}))
    assert [field for field, _ in _findings(prod_copy, "traefik-host-ports")] == [
        f"{DAEMONSET}{CONTAINER}.args (--entryPoints.traefik)",
        f"{DAEMONSET}{CONTAINER}.ports[traefik]",
    ]


def test_a_surging_rollout_on_host_ports(prod_copy: Path):
    # The chart refuses maxUnavailable below 1 on the host network, but not as a percentage, nor a surge.
    _values(prod_copy, lambda v: v["updateStrategy"]["rollingUpdate"].update({"maxSurge": 1, "maxUnavailable": "25%"}))
    assert _findings(prod_copy, "traefik-update-strategy") == [
        (
            f"{DAEMONSET}spec.updateStrategy.rollingUpdate",
            "the rendered Traefik holds host ports, but maxSurge 1 starts a second pod on a node whose host "
            "ports the old pod still holds",
        )
    ]


def test_the_chart_default_strategy_is_refused_on_the_host_network(prod_copy: Path):
    # The chart's own default is maxSurge 1, maxUnavailable 0, which its template refuses with hostNetwork.
    _values(prod_copy, lambda v: v.pop("updateStrategy"))
    [(field, message)] = _findings(prod_copy, "traefik-chart-values")
    assert field == "spec.valuesContent"
    assert "maxUnavailable should be greater than 1 when using hostNetwork." in message


def test_priority_class_other_than_k3s_gives(prod_copy: Path):
    _values(prod_copy, lambda v: v.update({"priorityClassName": ""}))
    assert _findings(prod_copy, "traefik-priority-class") == [
        (
            f"{DAEMONSET}spec.template.spec.priorityClassName",
            "the rendered Traefik has priorityClassName None, not system-cluster-critical as k3s gives it",
        )
    ]


def test_trusted_ips_differ_from_config(prod_copy: Path):
    _values(prod_copy, lambda v: v["ports"]["web"]["forwardedHeaders"].update({"trustedIPs": ["0.0.0.0/0"]}))
    [(field, message)] = _findings(prod_copy, "traefik-trusted-proxies")
    assert field == f"{DAEMONSET}{CONTAINER}.args (--entryPoints.web.forwardedHeaders.trustedIPs)"
    assert message.startswith(
        "the rendered Traefik trusts X-Forwarded-* from 1 range(s), config's traefik.trustedProxies lists 22: "
        "missing 173.245.48.0/20, "
    )
    assert message.endswith("; not in config: 0.0.0.0/0")


def test_trusted_ips_absent(prod_copy: Path):
    _values(prod_copy, lambda v: v["ports"]["web"].pop("forwardedHeaders"))
    [(_, message)] = _findings(prod_copy, "traefik-trusted-proxies")
    assert message.startswith("the rendered Traefik trusts X-Forwarded-* from 0 range(s)")


@pytest.mark.parametrize(
    ("change", "excess"),
    [
        (lambda sc: sc.update({"privileged": True}), "privileged"),
        (lambda sc: sc["capabilities"].update({"add": ["NET_BIND_SERVICE", "NET_ADMIN"]}), "unrestricted capabilities"),
        (lambda sc: sc["capabilities"].update({"drop": []}), "unrestricted capabilities"),
        (lambda sc: sc.update({"allowPrivilegeEscalation": True}), "allowPrivilegeEscalation != false"),
        (lambda sc: sc.update({"seccompProfile": {"type": "Unconfined"}}), "seccompProfile"),
        (lambda sc: sc.update({"readOnlyRootFilesystem": False}), "readOnlyRootFilesystem != true"),
    ],
)
def test_pod_security_beyond_what_the_edge_needs(prod_copy: Path, change, excess: str):
    _values(prod_copy, lambda v: change(v["securityContext"]))
    assert _findings(prod_copy, "traefik-pod-security") == [
        (
            f"{DAEMONSET}spec.template.spec",
            f"the rendered Traefik asks for more than a host-network proxy needs: {excess}",
        )
    ]


def test_missing_helm_names_make_setup(prod_copy: Path, monkeypatch):
    from gitops.errors import EnvironmentProblem

    monkeypatch.setattr(edge, "HELM", prod_copy / "no-helm")
    with pytest.raises(EnvironmentProblem) as raised:
        check(prod_copy)
    assert str(raised.value) == f"Helm is not installed at {prod_copy / 'no-helm'}"
    assert raised.value.fix == "run `make setup`"
