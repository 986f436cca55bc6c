"""gitops-reference: Flux Kustomizations and Argo CD Applications, hand-written in temporary directories."""

from __future__ import annotations

from pathlib import Path

from tests.dist_copies import write
from tests.review.check.support import active, check, one

DEPLOYMENT = """
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: app}
data: {a: b}
"""

GIT_REPOSITORY = """
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: repo, namespace: flux-system}
spec: {interval: 1m, url: "https://git.example.com/org/repo.git", ref: {branch: main}}
"""


def kustomization(name: str, path: str, *, depends: list[str] = (), source: str = "repo") -> str:
    depends_on = ", ".join(f"{{name: {d}}}" for d in depends)
    return f"""
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: {name}, namespace: flux-system}}
spec:
  interval: 10m
  prune: true
  path: {path}
  sourceRef: {{kind: GitRepository, name: {source}}}
  dependsOn: [{depends_on}]
"""


def layout(root: Path, cluster: str) -> Path:
    """A repository-like tree without git: dist/prod/{apps,infrastructure} and dist/clusters/prod."""
    write(root / "dist" / "prod" / "apps", "configmap.yaml", DEPLOYMENT)
    write(root / "dist" / "prod" / "infrastructure", "configmap.yaml", DEPLOYMENT.replace("settings", "infra"))
    write(root / "dist" / "clusters" / "prod", "flux.yaml", cluster)
    return root / "dist"


def test_flux_objects_that_resolve(tmp_path: Path):
    dist = layout(
        tmp_path,
        GIT_REPOSITORY
        + "---"
        + kustomization("infra", "./dist/prod/infrastructure")
        + "---"
        + kustomization("apps", "./dist/prod/apps", depends=["infra"]),
    )
    assert active(check(dist / "prod", dist / "clusters" / "prod"), "gitops-reference") == []


def test_flux_dependency_and_source_that_do_not_exist(tmp_path: Path):
    dist = layout(
        tmp_path,
        GIT_REPOSITORY + "---" + kustomization("apps", "./dist/prod/apps", depends=["infra"], source="flux-system"),
    )
    found = {(f.field, f.message) for f in active(check(dist / "prod", dist / "clusters" / "prod"), "gitops-reference")}
    assert found == {
        (
            "spec.sourceRef",
            "GitRepository flux-system/flux-system is not in this set (Flux sources here: GitRepository "
            "flux-system/repo): the Kustomization never becomes Ready",
        ),
        (
            "spec.dependsOn[infra]",
            "depends on Kustomization flux-system/infra, which is not in this set (Kustomizations here: "
            "Kustomization flux-system/apps): this one would wait forever",
        ),
    }


def test_flux_dependency_cycle(tmp_path: Path):
    dist = layout(
        tmp_path,
        GIT_REPOSITORY
        + "---"
        + kustomization("a", "./dist/prod/apps", depends=["b"])
        + "---"
        + kustomization("b", "./dist/prod/infrastructure", depends=["a"]),
    )
    outcome = check(dist / "prod", dist / "clusters" / "prod")
    assert one(outcome, "gitops-reference", "Kustomization", "a").message == (
        "dependsOn forms a cycle (a -> b -> a): none of them ever becomes Ready"
    )
    assert one(outcome, "gitops-reference", "Kustomization", "b").field == "spec.dependsOn"


def test_flux_path_that_does_not_exist_in_the_moved_copy(tmp_path: Path):
    dist = layout(tmp_path, GIT_REPOSITORY + "---" + kustomization("apps", "./dist/staging/apps"))
    finding = one(check(dist / "prod", dist / "clusters" / "prod"), "gitops-reference", "Kustomization", "apps")
    assert finding.field == "spec.path"
    assert finding.message == (
        "path ./dist/staging/apps does not resolve to a directory among the checked directories (matched by path "
        "suffix; no git work tree): the sync fails"
    )


def test_flux_path_resolves_against_the_git_work_tree(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    dist = layout(
        tmp_path,
        GIT_REPOSITORY
        + "---"
        + kustomization("apps", "./dist/prod/apps")
        + "---"
        + kustomization("other", "./prod/apps"),
    )
    # Only the clusters directory is checked: the paths still resolve through the work tree...
    outcome = check(dist / "clusters" / "prod")
    assert [f.name for f in active(outcome, "gitops-reference")] == ["other"]
    # ...and a suffix that matches inside the set is no excuse for a path that is wrong from the root.
    assert one(outcome, "gitops-reference", "Kustomization", "other").message == (
        f"path ./prod/apps does not resolve to a directory in the git work tree {tmp_path.resolve()}: the sync fails"
    )


def test_flux_path_without_manifests(tmp_path: Path):
    dist = layout(tmp_path, GIT_REPOSITORY + "---" + kustomization("apps", "./dist/prod/empty"))
    (dist / "prod" / "empty").mkdir()
    (dist / "prod" / "empty" / "README.md").write_text("nothing to apply\n")
    finding = one(check(dist / "prod", dist / "clusters" / "prod"), "gitops-reference", "Kustomization", "apps")
    assert finding.message == (
        f"path ./dist/prod/empty ({(dist / 'prod' / 'empty').resolve()}) has no manifests in it or below: Flux would "
        "apply nothing (and with pruning, delete what it applied before)"
    )


def application(path: str, *, recurse: bool | None = None, project: str = "default") -> str:
    directory = "" if recurse is None else f"\n    directory: {{recurse: {str(recurse).lower()}}}"
    return f"""
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {{name: apps, namespace: argocd}}
spec:
  project: {project}
  destination: {{server: "https://kubernetes.default.svc", namespace: app}}
  source:
    repoURL: "https://git.example.com/org/repo.git"
    targetRevision: main
    path: {path}{directory}
"""


def test_argo_application_paths(tmp_path: Path):
    dist = layout(tmp_path, application("dist/prod/apps"))
    assert active(check(dist / "prod", dist / "clusters" / "prod"), "gitops-reference") == []


def test_argo_directory_without_top_level_manifests_needs_recurse(tmp_path: Path):
    dist = layout(tmp_path, application("dist/prod"))
    finding = one(check(dist / "prod", dist / "clusters" / "prod"), "gitops-reference", "Application", "apps")
    assert finding.field == "spec.source.path"
    assert finding.message == (
        f"path dist/prod ({(dist / 'prod').resolve()}) has no manifests at its top level and "
        "spec.source.directory.recurse is not true: Argo CD would apply nothing (and with pruning, delete what it "
        "applied before)"
    )
    write(dist / "clusters" / "prod", "flux.yaml", application("dist/prod", recurse=True))
    assert active(check(dist / "prod", dist / "clusters" / "prod"), "gitops-reference") == []


def test_argo_path_and_project_that_do_not_exist(tmp_path: Path):
    dist = layout(tmp_path, application("dist/prod/ap", project="honeydue"))
    found = {(f.field, f.message) for f in active(check(dist / "prod", dist / "clusters" / "prod"), "gitops-reference")}
    assert found == {
        (
            "spec.project",
            "AppProject honeydue is not in this set (AppProjects in argocd: none): "
            "Argo CD refuses to sync the Application",
        ),
        (
            "spec.source.path",
            "path dist/prod/ap does not resolve to a directory among the checked directories (matched by path "
            "suffix; no git work tree): the sync fails",
        ),
    }


def test_flux_path_leaving_the_repository_and_missing_source(tmp_path: Path):
    no_source = kustomization("apps", "../elsewhere").replace("  sourceRef: {kind: GitRepository, name: repo}\n", "")
    dist = layout(tmp_path, no_source)
    found = {(f.field, f.message) for f in active(check(dist / "prod", dist / "clusters" / "prod"), "gitops-reference")}
    assert found == {
        ("spec.sourceRef", "has no sourceRef: Flux has nothing to build from"),
        (
            "spec.path",
            "path ../elsewhere does not resolve to a directory inside the repository (it leads out of it): "
            "the sync fails",
        ),
    }
