"""The promotion section of a review: the verdict first, then per service since when the source ran the build."""

from __future__ import annotations

import json

from gitops.review.diff import render_json, render_md, render_text
from gitops.review.diff.model import Counts, Report
from gitops.review.diff.promotion import ConfigLine, Difference, Promotion, ServiceParity, Since
from gitops.review.findings import ObjectKey

SINCE = Since("3f2a1b0c4d", "2026-12-07 08:39 UTC", "staging runs api 1a2b3c4d5e")
API = ObjectKey("Deployment", "honeydue", "api", "apps/v1", "prod")


def _report(promotion: Promotion) -> Report:
    return Report("dist/ at main", "working tree", [], Counts(unchanged=3), [], [], promotions=[promotion])


def _holding() -> Promotion:
    return Promotion(
        "staging", "prod", [ServiceParity("api", "6f303dbbaa", "1a2b3c4d5e", SINCE, "9a8b7c6d5e", (), ("resources",))]
    )


def _failing() -> Promotion:
    difference = Difference(API, "spec.template.spec.containers[api].startupProbe.failureThreshold", 60, 48, "prod")
    return Promotion(
        "staging",
        "prod",
        [ServiceParity("api", "6f303dbbaa", "1a2b3c4d5e", SINCE, "9a8b7c6d5e", (difference,))],
        [ConfigLine("config/prod.yaml", 39, "services.api.startupSeconds", 240, 300)],
    )


def test_text_leads_with_the_verdict():
    assert render_text.render(_report(_holding())).splitlines()[:3] == [
        "promotion staging → prod: parity holds for api",
        "  api 6f303dbbaa → 1a2b3c4d5e: staging has run it since 2026-12-07 08:39 UTC (3f2a1b0c4d staging runs api "
        "1a2b3c4d5e); prod's change equals staging's since 9a8b7c6d5e (set for each environment, not compared: "
        "resources)",
        "",
    ]


def test_text_of_a_failure_lists_each_field_and_the_config_lines_set_beside_the_builds():
    assert render_text.render(_report(_failing())).splitlines()[:5] == [
        "promotion staging → prod: parity FAILS for api (1 difference(s))",
        "  api 6f303dbbaa → 1a2b3c4d5e: staging has run it since 2026-12-07 08:39 UTC (3f2a1b0c4d staging runs api "
        "1a2b3c4d5e)",
        "    [prod] Deployment honeydue/api spec.template.spec.containers[api].startupProbe.failureThreshold: "
        "prod gets 60, staging runs 48 (changed for prod only: staging never ran it)",
        "  set in prod's config beside the promoted builds:",
        "    config/prod.yaml:39: services.api.startupSeconds: 240 → 300",
    ]


def test_markdown_puts_the_section_first_outside_every_collapsed_section_and_keeps_its_tables():
    lines = render_md.render(_report(_failing())).splitlines()
    assert lines[:2] == [render_md.MARKER, "### Promotion `staging` → `prod`: **parity FAILS**"]
    title = next(n for n, line in enumerate(lines) if line.startswith("### Cluster changes"))
    section = lines[:title]
    tables = [n for n, line in enumerate(section) if line.startswith("| ") and not section[n - 1].startswith("|")]
    assert len(tables) == 2
    assert all(section[n - 1] == "<!-- keep: never shortened -->" for n in tables)
    assert "<details>" not in section
    assert "- `config/prod.yaml:39: services.api.startupSeconds: 240 → 300`" in section


def test_json_carries_the_verdict_for_tools():
    data = json.loads(render_json.render(_report(_failing())))["promotions"][0]
    assert (data["parity"], data["services"][0]["differences"][0]["changedIn"]) == (False, "prod")
    assert data["services"][0]["since"] == {"commit": "3f2a1b0c4d", "date": "2026-12-07 08:39 UTC"}
