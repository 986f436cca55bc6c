"""The edge as k3s runs it: the Traefik chart k3s bundles, rendered with k3s's values and then ours.

k3s installs Traefik from its HelmChart kube-system/traefik; a HelmChartConfig of the same name adds
values. helm-controller (github.com/k3s-io/helm-controller, pkg/controllers/chart/chart.go: valuesSecret,
valuesSecretAddConfig) writes the HelmChart's spec.valuesContent and then the HelmChartConfig's into the
install job's values Secret as separate files whose names sort in that order (values-01_HelmChart.yaml
and values-10_HelmChartConfig.yaml; newer releases values-0-000-HelmChart-ValuesContent.yaml and
values-1-000-HelmChartConfig-ValuesContent.yaml), mounted at /config; klipper-helm's entry script
passes `--values` for each /config/*.yaml in glob order, and the HelmChart's spec.set as --set or
--set-string (chart.go args). Helm merges values files in order: a later file wins, maps merge key by
key, a list replaces the list before it, and null deletes the key (helm.sh/helm/v3
pkg/cli/values/options.go MergeValues, pkg/chartutil/coalesce.go). This module
runs exactly that: `helm template traefik <chart> --namespace kube-system -f <k3s's values> -f <ours>`,
with the Helm release k3s's install jobs run (Makefile HELM_VERSION) and the chart's source at the
version below.

k3s v1.34 bundles traefik-37.1.1+up37.1.0: rancher's repackage (k3s-io/k3s-charts) of upstream chart
37.1.0 (Traefik v3.5.1). The Go module proxy serves upstream's source at 37.1.1, the nearest release,
which differs from 37.1.0 only where its Changelog says (traefik/Changelog.md, 37.1.1, 2025-09-10): the
default image tag v3.5.2 (k3s's values set the image, so unused), the access-log format enum gains
genericCLF, and Traefik Hub's admission webhook may bring its own certificate (hub is off). rancher's
repackage prefixes the image with global.systemDefaultRegistry (empty on a default install) and nothing
this project reads. Helm enforces the chart's values.schema.json (a type it refuses fails the render),
but that schema allows unknown keys, so every key of ours must also be one the chart knows
(gitops/k8s/helmcharts.py unknown_keys).

`python -m gitops.review.edge download` fetches the chart into .tools/charts/ (make setup does).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from gitops.errors import EnvironmentProblem
from gitops.k8s import helmcharts
from gitops.k8s.manifests import Resource, load_documents
from gitops.k8s.workloads import PodTemplate, dig, pod_template
from gitops.layout import TOOLS_DIR

CHART_MODULE = "github.com/traefik/traefik-helm-chart"
CHART_VERSION = "37.1.1"
CHART_NAME = "traefik"
CHART_DIR = TOOLS_DIR / "charts" / f"traefik-{CHART_VERSION}"
HELM = TOOLS_DIR / "bin" / "helm"
K3S_VALUES = Path(__file__).with_name("k3s-traefik-values.yaml")
# The bundled HelmChart k3s writes (manifests/traefik.yaml): the only chart whose HelmChartConfig we render.
RELEASE = "traefik"
NAMESPACE = "kube-system"
KUBE_VERSION = "1.34"  # k3s v1.34: the chart's kubeVersion checks and Capabilities see this


@dataclass(frozen=True)
class Rendered:
    """What the chart makes of one HelmChartConfig: its objects, or helm's refusal, and our values' unknown keys."""

    config: Resource
    resources: list[Resource] = field(default_factory=list)
    refused: str | None = None
    unknown: list[str] = field(default_factory=list)

    def find(self, kind: str) -> list[Resource]:
        return [r for r in self.resources if r.kind == kind]

    def pods(self) -> list[PodTemplate]:
        """The pods the chart keeps running (a Job's pods come and go)."""
        return [p for p in map(pod_template, self.resources) if p is not None and p.long_running]


def is_bundled(resource: Resource) -> bool:
    """A HelmChartConfig for k3s's Traefik HelmChart."""
    return resource.kind == "HelmChartConfig" and resource.name == RELEASE and resource.namespace == NAMESPACE


def require() -> None:
    """EnvironmentProblem unless the pinned Helm and the chart are installed."""
    if not HELM.exists():
        raise EnvironmentProblem(f"Helm is not installed at {HELM}", "run `make setup`")
    if not (CHART_DIR / "Chart.yaml").exists():
        raise EnvironmentProblem(f"the Traefik chart {CHART_VERSION} is not in {CHART_DIR}", "run `make setup`")


def render(config: Resource) -> Rendered:
    """The chart rendered with k3s's values and config's spec.valuesContent, as helm-controller installs it."""
    require()
    text = dig(config.obj, "spec", "valuesContent")
    values = helmcharts.chart_values(config)
    if not isinstance(text, str) or values is None:
        return Rendered(config, refused="spec.valuesContent is not one YAML mapping of chart values")
    unknown = helmcharts.unknown_keys(values, _defaults(), _schema())
    code, out, err = _template(text)
    if code != 0:
        return Rendered(config, refused=err.strip() or f"helm exited {code}", unknown=unknown)
    try:
        documents = _helm_documents(out)
    except YAMLError as problem:
        return Rendered(config, refused=f"helm's output cannot be read: {problem}", unknown=unknown)
    objects = [d for d in documents if isinstance(d, dict)]
    return Rendered(config, [Resource(obj, config.path, index) for index, obj in enumerate(objects)], None, unknown)


class _LastKeyWins(SafeConstructor):
    """A mapping's repeated key keeps its last value, as Helm reads its own output (sigs.k8s.io/yaml over
    gopkg.in/yaml.v2, which overwrites): the chart repeats prometheus.io/* pod annotations that k3s's
    values set as well, and Helm installs it."""

    def construct_mapping(self, node: MappingNode, *args: Any, **kwargs: Any) -> Any:
        last: dict[object, tuple[Node, Node]] = {}
        for key, value in node.value:
            last[(key.tag, key.value) if isinstance(key, ScalarNode) else id(key)] = (key, value)
        node.value = list(last.values())
        return super().construct_mapping(node, *args, **kwargs)


def _helm_documents(text: str) -> list[object]:
    yaml = YAML(typ="safe", pure=True)
    yaml.Constructor = _LastKeyWins
    return [d for d in yaml.load_all(text) if d is not None]


@functools.lru_cache(maxsize=64)
def _template(values_text: str) -> tuple[int, str, str]:
    with tempfile.TemporaryDirectory(prefix="edge-render-") as scratch:
        ours = Path(scratch) / "values-10_HelmChartConfig.yaml"
        ours.write_text(values_text)
        # Helm's own state (plugins, repositories, registry logins) stays out of the render.
        homes = {f"HELM_{name}_HOME": str(Path(scratch) / name.lower()) for name in ("CACHE", "CONFIG", "DATA")}
        done = subprocess.run(
            [
                str(HELM),
                "template",
                RELEASE,
                str(CHART_DIR),
                "--namespace",
                NAMESPACE,
                "--kube-version",
                KUBE_VERSION,
                "--values",
                str(K3S_VALUES),
                "--values",
                str(ours),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, **homes},
            check=False,
        )
    return done.returncode, done.stdout, done.stderr


@functools.cache
def _defaults() -> dict:
    documents = load_documents((CHART_DIR / "values.yaml").read_text())
    return documents[0] if documents and isinstance(documents[0], dict) else {}


@functools.cache
def _schema() -> dict:
    loaded = json.loads((CHART_DIR / "values.schema.json").read_text())
    return loaded if isinstance(loaded, dict) else {}


def download(target: Path = CHART_DIR) -> Path:
    """Fetch the chart's source from the Go module proxy into target (its traefik/ directory)."""
    done = subprocess.run(
        ["go", "mod", "download", "-json", f"{CHART_MODULE}@v{CHART_VERSION}+incompatible"],
        capture_output=True,
        text=True,
        env={**os.environ, "GOFLAGS": "-mod=mod"},
        check=False,
    )
    try:
        info = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise EnvironmentProblem(
            f"go mod download {CHART_MODULE}@v{CHART_VERSION}+incompatible failed: {done.stderr.strip()}",
            "check that Go is installed and the module proxy answers",
        ) from None
    if info.get("Error") or not info.get("Dir"):
        raise EnvironmentProblem(
            f"go mod download {CHART_MODULE}: {info.get('Error', 'no source directory')}",
            "check that the module proxy serves this version",
        )
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(Path(info["Dir"]) / CHART_NAME, staging)
    for path in staging.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # the module cache's files are read-only
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def main(argv: list[str]) -> int:
    if argv != ["download"]:
        print("usage: python -m gitops.review.edge download", file=sys.stderr)
        return 2
    try:
        print(f"Traefik chart {CHART_VERSION}: {download()}")
    except (EnvironmentProblem, OSError, YAMLError) as err:
        print(f"edge: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
