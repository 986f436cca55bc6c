"""Flux Kustomizations and Argo CD Applications: what they wait for, read from and sync.

A dependsOn naming a Kustomization that does not exist never becomes Ready,
so everything after it stalls; a path that does not exist fails the build;
a path that holds nothing applies nothing, and with pruning on, deletes what
was applied before.

Paths are repository-relative. They resolve against the git work tree that
holds the checked files when there is one. Outside git (a copy of dist/
moved anywhere) a path resolves to a directory of the checked set whose
trailing path components match the reference's: `./dist/prod/apps`
resolves to `<copy>/prod/apps` when `<copy>/prod` is what was checked.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from gitops.k8s.manifests import SUFFIXES, Resource
from gitops.k8s.workloads import dig, mapping, sequence
from gitops.review.check.context import Context
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic

FLUX_KUSTOMIZE = "kustomize.toolkit.fluxcd.io"
FLUX_SOURCE = "source.toolkit.fluxcd.io"
ARGO = "argoproj.io"
# Files Argo CD reads from a directory source (plain manifests), or that turn it into a tool source.
ARGO_MANIFEST_SUFFIXES = (*SUFFIXES, ".json")
ARGO_TOOL_FILES = {"kustomization.yaml", "kustomization.yml", "Kustomization", "Chart.yaml"}


def git_root(path: Path) -> Path | None:
    for directory in [path, *path.parents]:
        if (directory / ".git").exists():
            return directory
    return None


class PathResolver:
    def __init__(self, roots: list[Path]):
        self.roots = [r.resolve() for r in roots]

    @cached_property
    def _directories(self) -> list[tuple[Path, tuple[str, ...]]]:
        """Every directory of the checked set with its path as seen from outside: the root's name first."""
        found = []
        for root in self.roots:
            base = root if root.is_dir() else root.parent
            for directory in [base, *sorted(p for p in base.rglob("*") if p.is_dir())]:
                found.append((directory, (base.name, *directory.relative_to(base).parts)))
        return found

    def resolve(self, reference: str, origin: Path) -> tuple[Path | None, str]:
        """The directory a repository-relative path names, and how it was resolved (for messages)."""
        normal = posixpath.normpath(reference.strip().lstrip("/")) if reference.strip() else "."
        if normal == ".." or normal.startswith("../"):
            return None, "inside the repository (it leads out of it)"
        repo = git_root(origin.resolve().parent)
        if repo is not None:
            target = repo / normal
            return (target if target.is_dir() else None), f"in the git work tree {repo}"
        wanted = tuple(p for p in normal.split("/") if p and p != ".")
        if not wanted:
            return self.roots[0] if self.roots[0].is_dir() else self.roots[0].parent, "as the repository root"
        best: tuple[int, Path | None] = (0, None)
        for directory, parts in self._directories:
            length = min(len(parts), len(wanted))
            if length and parts[-length:] == wanted[-length:] and length > best[0]:
                best = (length, directory)
        return best[1], "among the checked directories (matched by path suffix; no git work tree)"


def _manifests_below(directory: Path, recurse: bool, suffixes: tuple[str, ...]) -> bool:
    files = directory.rglob("*") if recurse else directory.iterdir()
    return any(p.is_file() and (p.suffix in suffixes or p.name in ARGO_TOOL_FILES) for p in files)


def _dependency_cycle(ctx: Context, start: Resource) -> list[str] | None:
    def edges(k: Resource) -> list[Resource]:
        found = []
        for dep in sequence(dig(k.obj, "spec", "dependsOn")):
            dep = mapping(dep)
            target = ctx.get(
                "Kustomization", str(dep.get("namespace") or k.namespace), str(dep.get("name")), FLUX_KUSTOMIZE
            )
            if target is not None:
                found.append(target)
        return found

    path: list[Resource] = [start]

    def visit(node: Resource) -> list[str] | None:
        for nxt in edges(node):
            if nxt is start:
                return [r.name for r in path] + [start.name]
            if any(nxt is p for p in path):
                continue
            path.append(nxt)
            cycle = visit(nxt)
            if cycle:
                return cycle
            path.pop()
        return None

    return visit(start)


def _flux(ctx: Context, resolver: PathResolver, k: Resource) -> Iterator[Issue]:
    spec = mapping(k.obj.get("spec"))
    source = mapping(spec.get("sourceRef"))
    source_kind = str(source.get("kind") or "")
    if not source:
        yield Issue(k, "spec.sourceRef", "has no sourceRef: Flux has nothing to build from", "set spec.sourceRef")
    else:
        namespace = str(source.get("namespace") or k.namespace)
        if ctx.get(source_kind, namespace, str(source.get("name")), FLUX_SOURCE) is None:
            known = ", ".join(sorted(str(r) for r in ctx.resources if r.group == FLUX_SOURCE)) or "none"
            yield Issue(
                k,
                "spec.sourceRef",
                f"{source_kind or 'source'} {namespace}/{source.get('name')} is not in this set "
                f"(Flux sources here: {known}): the Kustomization never becomes Ready",
                "name a GitRepository (or OCIRepository/Bucket) defined in the set, or add it",
            )
    for index, dep in enumerate(sequence(spec.get("dependsOn"))):
        dep = mapping(dep)
        namespace = str(dep.get("namespace") or k.namespace)
        if ctx.get("Kustomization", namespace, str(dep.get("name")), FLUX_KUSTOMIZE) is None:
            known = ", ".join(sorted(str(r) for r in ctx.of_kind("Kustomization", FLUX_KUSTOMIZE))) or "none"
            yield Issue(
                k,
                f"spec.dependsOn[{dep.get('name') or index}]",
                f"depends on Kustomization {namespace}/{dep.get('name')}, which is not in this set "
                f"(Kustomizations here: {known}): this one would wait forever",
                "name an existing Kustomization, or remove the dependency",
            )
    cycle = _dependency_cycle(ctx, k)
    if cycle:
        yield Issue(
            k,
            "spec.dependsOn",
            f"dependsOn forms a cycle ({' -> '.join(cycle)}): none of them ever becomes Ready",
            "break the cycle: infrastructure first, apps depending on it, never back",
        )
    path = spec.get("path")
    # Paths inside OCI artifacts or buckets are not paths of this repository.
    if isinstance(path, str) and source_kind in ("", "GitRepository"):
        yield from _path(resolver, k, "spec.path", path, recurse=True, tool="Flux")


def _path(
    resolver: PathResolver, owner: Resource, field: str, path: str, *, recurse: bool, tool: str
) -> Iterator[Issue]:
    directory, how = resolver.resolve(path, owner.path)
    if directory is None:
        yield Issue(
            owner,
            field,
            f"path {path} does not resolve to a directory {how}: the sync fails",
            "use the repository-relative path of a directory that exists, e.g. ./dist/<env>/apps",
        )
        return
    suffixes = SUFFIXES if tool == "Flux" else ARGO_MANIFEST_SUFFIXES
    if not _manifests_below(directory, recurse, suffixes):
        where = "in it or below" if recurse else "at its top level"
        extra = "" if recurse else " and spec.source.directory.recurse is not true"
        yield Issue(
            owner,
            field,
            f"path {path} ({directory}) has no manifests {where}{extra}: {tool} would apply nothing "
            "(and with pruning, delete what it applied before)",
            "point at the directory holding the manifests" + ("" if recurse else ", or set directory.recurse: true"),
        )


def _argo(ctx: Context, resolver: PathResolver, app: Resource) -> Iterator[Issue]:
    spec = mapping(app.obj.get("spec"))
    project = str(spec.get("project") or "")
    # Argo CD creates the project "default" itself; any other must be defined beside the Application.
    if project != "default" and ctx.get("AppProject", app.namespace, project, ARGO) is None:
        known = ", ".join(sorted(p.name for p in ctx.of_kind("AppProject", ARGO) if p.namespace == app.namespace))
        yield Issue(
            app,
            "spec.project",
            f"AppProject {project or '(empty)'} is not in this set (AppProjects in {app.namespace or '(none)'}: "
            f"{known or 'none'}): Argo CD refuses to sync the Application",
            "name an AppProject defined in the set, or default",
        )
    sources = [("spec.source", mapping(spec.get("source")))] if spec.get("source") else []
    sources += [(f"spec.sources[{i}]", mapping(s)) for i, s in enumerate(sequence(spec.get("sources")))]
    for field, source in sources:
        path = source.get("path")
        if source.get("chart") or not isinstance(path, str):
            continue  # a Helm repository chart, or a source without a path (e.g. only a ref for values)
        recurse = dig(source, "directory", "recurse") is True
        yield from _path(resolver, app, f"{field}.path", path, recurse=recurse, tool="Argo CD")


@rule(
    "gitops-reference",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="Flux/Argo CD objects that never become Ready or sync nothing: a missing dependsOn, source or "
    "AppProject, a dependency cycle, a path that does not exist or holds no manifests",
    fix="name Kustomizations and sources defined in the set; use repository-relative paths of directories "
    "holding manifests",
)
def gitops_reference(ctx: Context) -> Iterator[Issue]:
    resolver = PathResolver(ctx.roots)
    for k in ctx.of_kind("Kustomization", FLUX_KUSTOMIZE):
        yield from _flux(ctx, resolver, k)
    for app in ctx.of_kind("Application", ARGO):
        yield from _argo(ctx, resolver, app)
