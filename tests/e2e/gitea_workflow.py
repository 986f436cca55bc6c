"""The pull-request workflow's own steps, run as Gitea's runner runs them, on a checkout of the pull request.

act_runner cannot be had here, so this is how .gitea/workflows/manifests.yaml is tested: every step is
read from the file, never copied. Each step's `if:` is evaluated (the expression subset the workflow
uses: contexts, string literals, ==, !=, &&, ||, !, always(), success(), failure()), `${{ ... }}` in
its `env:` and `run:` is replaced with the pull request's values, and its `run:` script runs as the
runner's default shell does (`bash -e`), in the checkout, with GITHUB_OUTPUT read back into the
step's outputs. A step whose exit is not 0 fails the job; later steps run only if their `if:` says so.

`uses:` steps are the runner's: actions/checkout is the checkout this module makes from Gitea (full
history, the pull request's head); the setup actions and actions/cache find the tools already there
(the project's own .venv/, node_modules/ and .tools/ linked in, with the checkout's files dated before
their install stamps, as a restored cache leaves them, so make installs nothing); upload-artifact
copies the files it names. An action the workflow starts to use that is not known here fails the run,
as does an expression outside the subset: the workflow and this runner cannot drift apart silently.

A step may be substituted by name (the rehearsal, whose report can be a recorded one); the run says so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gitops.k8s.manifests import load_documents
from gitops.layout import PROJECT
from gitops.rehearse.procs import Supervisor

WORKFLOW = PROJECT / ".gitea" / "workflows" / "manifests.yaml"
STEP_TIMEOUT = 1800
# What a runner finds installed: the project's environments, linked into the checkout.
LINKED = (".venv", "node_modules")
LINKED_TOOLS = ("bin", "schemas", "pipenv", "cluster")
# Older than any install stamp: make sees every tool as built after the files it was built from.
CHECKOUT_TIME = 946_684_800  # 2000-01-01

Substitute = Callable[[Path], dict[str, str]]  # the checkout -> the step's outputs


class WorkflowError(AssertionError):
    """The workflow uses something this runner does not know: extend the runner with the workflow."""


# ---- expressions ----

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||!|\(|\)|,)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*))"
)
STATUS_FUNCTIONS = ("always", "success", "failure", "cancelled")


def _tokens(text: str) -> list[tuple[str, str]]:
    found, at = [], 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if not match or match.end() == at:
            if text[at:].strip():
                raise WorkflowError(f"expression {text!r}: cannot read {text[at:]!r}")
            break
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        at = match.end()
    return found


class _Parser:
    def __init__(self, text: str, context: dict, job_ok: bool) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0
        self.context = context
        self.job_ok = job_ok

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _take(self, value: str | None = None) -> tuple[str, str]:
        token = self._peek()
        if token is None or (value is not None and token[1] != value):
            raise WorkflowError(f"expression {self.text!r}: expected {value or 'more'}")
        self.at += 1
        return token

    def parse(self) -> object:
        value = self._or()
        if self._peek() is not None:
            raise WorkflowError(f"expression {self.text!r}: unexpected {self._peek()}")
        return value

    def _or(self) -> object:
        value = self._and()
        while self._peek() == ("op", "||"):
            self._take()
            right = self._and()
            value = value if _truthy(value) else right
        return value

    def _and(self) -> object:
        value = self._unary()
        while self._peek() == ("op", "&&"):
            self._take()
            right = self._unary()
            value = right if _truthy(value) else value
        return value

    def _unary(self) -> object:
        if self._peek() == ("op", "!"):
            self._take()
            return not _truthy(self._unary())
        return self._compare()

    def _compare(self) -> object:
        left = self._primary()
        token = self._peek()
        if token in (("op", "=="), ("op", "!=")):
            self._take()
            right = self._primary()
            same = _text(left).lower() == _text(right).lower()  # GitHub compares strings ignoring case
            return same if token[1] == "==" else not same
        return left

    def _primary(self) -> object:
        kind, value = self._take()
        if kind == "string":
            return value[1:-1].replace("''", "'")
        if kind == "number":
            return value
        if (kind, value) == ("op", "("):
            inner = self._or()
            self._take(")")
            return inner
        if kind == "name" and self._peek() == ("op", "("):
            self._take("(")
            self._take(")")
            if value not in STATUS_FUNCTIONS:
                raise WorkflowError(f"expression {self.text!r}: function {value}() is not known here")
            return {"always": True, "success": self.job_ok, "failure": not self.job_ok, "cancelled": False}[value]
        if kind == "name":
            return _lookup(self.context, value)
        raise WorkflowError(f"expression {self.text!r}: unexpected {value!r}")


def _lookup(context: dict, path: str) -> object:
    node: object = context
    for part in path.split("."):
        node = node.get(part, "") if isinstance(node, dict) else ""
    return node


def _truthy(value: object) -> bool:
    return value not in ("", None, False, 0, "0") if not isinstance(value, (dict, list)) else True


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def evaluate(expression: str, context: dict, job_ok: bool = True) -> object:
    return _Parser(expression, context, job_ok).parse()


_PLACEHOLDER = re.compile(r"\$\{\{(.*?)\}\}")


def interpolate(text: str, context: dict) -> str:
    return _PLACEHOLDER.sub(lambda m: _text(evaluate(m.group(1), context)), text)


def should_run(condition: str | None, context: dict, job_ok: bool) -> bool:
    """A step's `if:`: success() unless it names a status function itself."""
    if condition is None:
        return job_ok
    text = condition.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    if not any(re.search(rf"\b{name}\(", text) for name in STATUS_FUNCTIONS):
        text = f"success() && ({text})"
    return _truthy(evaluate(text, context, job_ok))


# ---- the run ----


@dataclass
class StepRun:
    name: str
    id: str
    status: str  # success | failure | skipped | substituted
    outputs: dict[str, str] = field(default_factory=dict)
    log: str = ""
    seconds: float = 0.0


@dataclass
class Job:
    steps: list[StepRun]
    artifacts: Path

    @property
    def ok(self) -> bool:
        return all(step.status != "failure" for step in self.steps)

    def step(self, name_or_id: str) -> StepRun:
        (found,) = [s for s in self.steps if name_or_id in (s.name, s.id)]
        return found

    def transcript(self) -> str:
        return "\n".join(f"  {s.status:<11} {s.seconds:6.1f} s  {s.name}" for s in self.steps)


def steps() -> list[dict]:
    (workflow,) = load_documents(WORKFLOW.read_text())
    (job,) = workflow["jobs"].values()
    if job.get("runs-on") != "ubuntu-latest":
        raise WorkflowError(f"the job runs on {job.get('runs-on')!r}; this runner stands in for ubuntu-latest")
    return job["steps"]


def checkout(clone_url: str, auth: list[str], sha: str, target: Path) -> Path:
    """actions/checkout with fetch-depth 0: the whole history, the pull request's head checked out, and
    the tools a runner would have restored linked in."""
    subprocess.run(["git", *auth, "clone", "--quiet", clone_url, str(target)], check=True, capture_output=True)
    subprocess.run(["git", "-C", str(target), "checkout", "--quiet", "--detach", sha], check=True)
    files = subprocess.run(
        ["git", "-C", str(target), "ls-files", "-z"], check=True, capture_output=True, text=True
    ).stdout.split("\0")
    for name in filter(None, files):
        path = target / name
        if path.is_file() and not path.is_symlink():
            os.utime(path, (CHECKOUT_TIME, CHECKOUT_TIME))
    for name in LINKED:
        if (PROJECT / name).exists():
            (target / name).symlink_to(PROJECT / name)
    tools = target / ".tools"
    tools.mkdir()
    for name in LINKED_TOOLS:
        if (PROJECT / ".tools" / name).exists():
            (tools / name).symlink_to((PROJECT / ".tools" / name).resolve())
    for found in (PROJECT / ".tools").glob("redis-*"):
        (tools / found.name).symlink_to(found.resolve())
    return target


def _outputs(path: Path) -> dict[str, str]:
    outputs: dict[str, str] = {}
    if not path.exists():
        return outputs
    lines = path.read_text().splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and "=" not in line.split("<<")[0]:
            key, delimiter = line.split("<<", 1)
            value: list[str] = []
            index += 1
            while index < len(lines) and lines[index] != delimiter:
                value.append(lines[index])
                index += 1
            outputs[key] = "\n".join(value)
        elif "=" in line:
            key, _, value_text = line.partition("=")
            outputs[key] = value_text
        index += 1
    return outputs


def _upload(step: dict, workspace: Path, artifacts: Path) -> None:
    wanted = [line.strip() for line in str(step["with"]["path"]).splitlines() if line.strip()]
    target = artifacts / str(step["with"]["name"])
    target.mkdir(parents=True, exist_ok=True)
    for name in wanted:
        source = workspace / name
        if source.is_file():
            shutil.copy2(source, target / source.name)
        elif step["with"].get("if-no-files-found") != "ignore":
            raise WorkflowError(f"upload-artifact: {name} is not there")


KNOWN_ACTIONS = {
    "actions/checkout",
    "actions/setup-python",
    "actions/setup-node",
    "actions/setup-go",
    "actions/cache",
    "actions/upload-artifact",
}


def run(
    workspace: Path,
    context: dict,
    supervisor: Supervisor,
    substitutes: dict[str, Substitute] | None = None,
    base_env: dict[str, str] | None = None,
) -> Job:
    """Every step of the workflow's job, in order, on the checkout in workspace."""
    substitutes = dict(substitutes or {})
    names = {str(step.get("name")) for step in steps()}
    if set(substitutes) - names:
        raise WorkflowError(f"no step of the workflow is named {sorted(set(substitutes) - names)}: it changed")
    context = {**context, "steps": {}}
    artifacts = workspace.parent / f"{workspace.name}-artifacts"
    job = Job([], artifacts)
    job_ok = True
    env = {
        **(base_env or os.environ),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITEA_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "RUNNER_OS": "Linux",
    }
    env.pop("GITEA_TOKEN", None)
    for index, step in enumerate(steps()):
        name = str(step.get("name") or step.get("uses") or step.get("run", "").split("\n")[0])
        ident = str(step.get("id") or f"__step{index}")
        started = time.monotonic()
        record = StepRun(name, ident, "skipped")
        if not should_run(step.get("if"), context, job_ok):
            pass
        elif name in substitutes:
            record.status, record.outputs = "substituted", substitutes[name](workspace)
        elif "uses" in step:
            action = str(step["uses"]).split("@")[0]
            if action not in KNOWN_ACTIONS:
                raise WorkflowError(f"step {name!r} uses {action}, which this runner does not stand in for")
            if action == "actions/upload-artifact":
                _upload(step, workspace, artifacts)
            record.status = "success"
        else:
            output = workspace.parent / f"{workspace.name}-output-{index}"
            script = workspace.parent / f"{workspace.name}-step-{index}.sh"
            script.write_text(interpolate(str(step["run"]), context))
            step_env = {
                **env,
                **{key: interpolate(str(value), context) for key, value in (step.get("env") or {}).items()},
                "GITHUB_OUTPUT": str(output),
            }
            done = subprocess.run(
                ["bash", "-e", str(script)],
                cwd=workspace,
                env=step_env,
                capture_output=True,
                timeout=STEP_TIMEOUT,
                process_group=supervisor.pgid or supervisor_group(supervisor),
            )
            record.log = (done.stdout + done.stderr).decode(errors="replace")
            record.outputs = _outputs(output)
            record.status = "success" if done.returncode == 0 else "failure"
        if record.status == "failure":
            job_ok = False
        outcome = "success" if record.status == "substituted" else record.status
        context["steps"][ident] = {"outputs": record.outputs, "outcome": outcome, "conclusion": outcome}
        record.seconds = time.monotonic() - started
        job.steps.append(record)
    return job


def supervisor_group(supervisor: Supervisor) -> int:
    """The supervisor's process group (started by a first, empty command if nothing started it yet)."""
    supervisor.run("group", ["true"])
    assert supervisor.pgid is not None
    return supervisor.pgid
