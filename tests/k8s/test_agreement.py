"""The agreement test: the generator's intent, `main.py check` and `main.py diff` give the same answer, and it is
Kubernetes' answer, for selectors, disruption budgets, quantities and probe timings.

Each reference model below is written here, from the Kubernetes source it names, independently of gitops/k8s/;
hypothesis draws the inputs (profile "agreement" in tests/conftest.py keeps the count small enough for make test).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from charts.disruption import MAX_UNAVAILABLE
from charts.probes import plan
from gitops.config.model import ProbePolicy, Resources
from gitops.k8s import budgets, probes, quantities, requests
from tests import inmemory

# --- selectors: apimachinery/pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector, pkg/labels/selector.go ----

KEYS, VALUES = ["app", "tier", "zone"], ["api", "web", "a", ""]
label_value = st.one_of(st.sampled_from(VALUES), st.sampled_from([1, True]))
labels = st.dictionaries(st.sampled_from(KEYS), label_value, max_size=3)
expression = st.fixed_dictionaries(
    {"key": st.sampled_from(KEYS), "operator": st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist", "Gt"])},
    optional={"values": st.lists(label_value, max_size=2)},
)
selector = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "matchLabels": st.dictionaries(st.sampled_from(KEYS), label_value, max_size=2),
            "matchExpressions": st.lists(expression, max_size=2),
        },
    ),
)


def reference_selects(sel: dict | None, pod: dict) -> bool:
    """LabelSelectorAsSelector, then Selector.Matches; any error (undecodable value, refused requirement) selects
    nothing, as the controllers treat a selector they cannot build."""
    strings = all(isinstance(v, str) for v in pod.values())
    if sel is None or not strings:
        return False
    match_labels, expressions = sel.get("matchLabels") or {}, sel.get("matchExpressions") or []
    if not all(isinstance(v, str) for v in match_labels.values()):
        return False
    requirements = [(k, "In", [v]) for k, v in match_labels.items()]
    for e in expressions:
        values = e.get("values") or []
        if not all(isinstance(v, str) for v in values):
            return False
        if (e["operator"] in ("In", "NotIn") and not values) or (
            e["operator"] in ("Exists", "DoesNotExist") and values
        ):
            return False  # NewRequirement: values must be non-empty for In/NotIn, empty for Exists/DoesNotExist
        if e["operator"] not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return False  # "is not a valid label selector operator"
        requirements.append((e["key"], e["operator"], values))
    for key, operator, values in requirements:
        present = key in pod
        if operator == "In" and not (present and pod[key] in values):
            return False
        if operator == "NotIn" and present and pod[key] in values:
            return False
        if (operator == "Exists" and not present) or (operator == "DoesNotExist" and present):
            return False
    return True


@given(pod_labels=labels, budget_selector=selector)
def test_selectors_agree_with_apimachinery(pod_labels, budget_selector):
    selected = reference_selects(budget_selector, pod_labels)
    objects = [
        inmemory.deployment("api", pod_labels, replicas=1),
        inmemory.budget("api", budget_selector, minAvailable=1),
    ]
    # Selected, minAvailable 1 of 1 blocks drains in both tools; not selected, check says the budget protects nothing.
    assert bool(inmemory.check_findings(objects, "pdb-selector")) is not selected
    assert bool(inmemory.check_findings(objects, "pdb-blocks-drain")) is selected
    assert bool(inmemory.diff_risks([], objects)) is selected


# --- disruption budgets: pkg/apis/policy/validation/validation.go, pkg/controller/disruption/disruption.go ------

budget_value = st.one_of(
    st.integers(-2, 12),
    st.integers(0, 150).map(lambda n: f"{n}%"),
    st.sampled_from(["12.5%", "50", "-1%", "+1%", "half", True, 1.5]),
)
budget_spec = st.fixed_dictionaries({}, optional={"maxUnavailable": budget_value, "minAvailable": budget_value})


def reference_refused(spec: dict) -> bool:
    """ValidatePodDisruptionBudgetSpec: one field at most, a non-negative int32 or IsValidPercent ≤ 100%."""

    def bad(value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            return True
        if isinstance(value, int):
            return not 0 <= value <= 2**31 - 1
        return re.fullmatch("[0-9]+%", value) is None or int(value[:-1]) > 100

    return ("minAvailable" in spec and "maxUnavailable" in spec) or any(bad(v) for v in spec.values())


def reference_allowed(spec: dict, replicas: int) -> int | None:
    """getExpectedPodCount and updatePdbStatus for one Deployment with every pod ready."""

    def scaled(value: int | str, total: int) -> int:  # GetScaledValueFromIntOrPercent(..., roundUp=true)
        return value if isinstance(value, int) else math.ceil(float(int(value[:-1])) * float(total) / 100)

    if "maxUnavailable" in spec:
        expected = replicas
        desired = max(0, expected - scaled(spec["maxUnavailable"], expected))
    elif "minAvailable" in spec:
        expected, desired = replicas, scaled(spec["minAvailable"], replicas)
    else:
        return None
    allowed = replicas - desired
    return 0 if expected <= 0 or allowed <= 0 else allowed


@given(spec=budget_spec, replicas=st.integers(0, 6))
def test_budgets_agree_with_the_api_server_and_the_disruption_controller(spec, replicas):
    refused = reference_refused(spec)
    blocks = not refused and replicas > 0 and reference_allowed(spec, replicas) == 0
    workload = [inmemory.deployment("api", {"app": "api"}, replicas=replicas)]
    objects = [*workload, inmemory.budget("api", {"matchLabels": {"app": "api"}}, **spec)]
    check = inmemory.check_findings(objects, "pdb-blocks-drain")
    risks = inmemory.diff_risks(workload, objects)
    assert bool(check) is (refused or blocks)
    assert [level for level, *_ in risks] == (["high"] * len(check) if refused else ["high"] if blocks else [])
    if blocks:  # one answer: diff says what check says, then what happened the last time
        assert risks[0][3].startswith(check[0][3] + ". Seen before: ")


@given(replicas=st.integers(1, 50))
def test_the_generators_budgets_allow_what_the_controller_allows(replicas):
    spec = {"maxUnavailable": MAX_UNAVAILABLE}
    assert not reference_refused(spec)
    assert budgets.allowed_evictions(spec, budgets.Pods(scaled=replicas)) == reference_allowed(spec, replicas) >= 1


# --- quantities: apimachinery/pkg/api/resource/quantity.go ---------------------------------------------------

SUFFIXES = {
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 1000),
    "": 1,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
}
quantity = st.tuples(
    st.sampled_from(["", "+", "-"]),
    st.integers(0, 10**6),
    st.one_of(st.none(), st.integers(0, 10**4)),
    st.one_of(st.sampled_from(sorted(SUFFIXES)), st.integers(-12, 9).map(lambda e: f"e{e}")),
)


def reference_value(sign: str, whole: int, fraction: int | None, suffix: str) -> Fraction:
    """ParseQuantity's value: the number times its suffix, rounded away from zero to a whole nano."""
    digits = f"{whole}" + ("" if fraction is None else f".{fraction}")
    scale = Fraction(10) ** int(suffix[1:]) if suffix.startswith("e") else SUFFIXES[suffix]
    value = Fraction(digits) * scale
    nanos = math.ceil(value * 10**9)
    return (-1 if sign == "-" else 1) * Fraction(nanos, 10**9)


@given(parts=quantity)
def test_quantities_agree_with_resource_quantity(parts):
    sign, whole, fraction, suffix = parts
    text = f"{sign}{whole}" + ("" if fraction is None else f".{fraction}") + suffix
    value = reference_value(*parts)
    assert Fraction(quantities.parse(text)) == value
    rounded = math.ceil(abs(value) * 1000)  # MilliValue rounds up, away from zero
    assert quantities.cpu_millis(text) == (-rounded if value < 0 else rounded)


config_cpu = st.one_of(
    st.integers(1, 64_000).map(lambda n: f"{n}m"),
    st.tuples(st.integers(0, 64), st.one_of(st.none(), st.text("0123456789", min_size=1, max_size=3))).map(
        lambda t: f"{t[0]}" + ("" if t[1] is None else f".{t[1]}")
    ),
)


@given(cpu=config_cpu, mebibytes=st.integers(1, 8192))
def test_config_check_and_diff_read_requests_alike(cpu, mebibytes):
    cores = Fraction(cpu[:-1]) / 1000 if cpu.endswith("m") else Fraction(cpu)
    if cores == 0:
        return  # config refuses no CPU at all
    resources = Resources.model_validate({"cpu": cpu, "memory": f"{mebibytes}Mi", "memoryLimit": f"{mebibytes}Mi"})
    millis = math.ceil(cores * 1000)
    assert resources.cpu.millis == millis
    assert resources.memory.mebibytes == mebibytes
    # check (headroom) and diff (capacity) count a container's requests with gitops/k8s/requests.py.
    counted = requests.container_requests({"resources": {"requests": {"cpu": cpu, "memory": f"{mebibytes}Mi"}}})
    assert (counted.cpu_millis, counted.memory_bytes) == (millis, mebibytes * 2**20)


# --- probes: pkg/apis/core/v1/defaults.go SetDefaults_Probe; k8s.io/api/core/v1/types.go Probe -----------------

probe_field = st.one_of(st.none(), st.integers(0, 40), st.sampled_from([-1, "10"]))
probe = st.fixed_dictionaries(
    {}, optional={"initialDelaySeconds": probe_field, "periodSeconds": probe_field, "failureThreshold": probe_field}
)


def reference_window(spec: dict) -> int | None:
    """initialDelaySeconds + periodSeconds x failureThreshold after defaulting (0 or absent: 10 and 3)."""
    fields = {}
    for key, default in (("initialDelaySeconds", 0), ("periodSeconds", 10), ("failureThreshold", 3)):
        value = spec.get(key)
        if value is not None and (not isinstance(value, int) or value < 0):
            return None  # an int32 the API server does not decode, or validation refuses
        fields[key] = value or default
    return fields["initialDelaySeconds"] + fields["periodSeconds"] * fields["failureThreshold"]


def _with_startup(spec: dict) -> dict:
    workload = inmemory.deployment("api", {"app": "api"})
    container = workload["spec"]["template"]["spec"]["containers"][0]
    container["startupProbe"] = {"httpGet": {"port": 80}, **{k: v for k, v in spec.items() if v is not None}}
    container["livenessProbe"] = {"httpGet": {"port": 80}, "initialDelaySeconds": 45}
    return workload


@given(before=probe, after=probe)
def test_probe_windows_agree_with_the_kubelet(before, after):
    old, new = reference_window(before), reference_window(after)
    timing = probes.timing({k: v for k, v in after.items() if v is not None})
    assert (None if timing is None else timing.window_seconds) == new
    check = inmemory.check_findings([_with_startup(after)], "startup-probe")
    assert bool(check) is (new is not None and new < 45)
    shrinks = [
        r for r in inmemory.diff_risks([_with_startup(before)], [_with_startup(after)]) if "startupProbe" in r[2]
    ]
    assert bool(shrinks) is (old is not None and new is not None and new < old)


@given(startup_seconds=st.integers(1, 900), period=st.integers(1, 30))
def test_the_generators_startup_window_covers_the_start_as_the_kubelet_counts_it(startup_seconds, period):
    timing = plan(startup_seconds, ProbePolicy.model_validate({"startupPeriodSeconds": period})).startup
    rendered = {"periodSeconds": timing.period_seconds, "failureThreshold": timing.failure_threshold}
    assert timing.window_seconds == reference_window(rendered) >= startup_seconds
