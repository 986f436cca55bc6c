# honeydue-gitops. The two commands: `make synth` and `make test`.
# Every tool lands inside the project (.venv/, node_modules/, .tools/) at a pinned
# version; each install step is skipped once its stamp file is newer than its inputs.
# Each target installs only what it uses:
#   make synth, watch, check   the Python environment with Pipfile [packages]
#   make cdk8s-synth           ... and the cdk8s CLI (npm)
#   make lint                  ... and Pipfile [dev-packages] (ruff, mypy, import-linter)
#   make test (= make setup)   ... and Pipfile [dev-packages], the cdk8s CLI, kubeconform and
#                              its schemas, kustomize, sops, age-keygen, actionlint, Helm and the
#                              Traefik chart k3s bundles (check renders it)
#   make rehearse              the cluster tools (their own block, below)

PYTHON            ?= python3
PIPENV_VERSION    := 2026.10.3
KUBECONFORM_VERSION := v0.7.0
KUSTOMIZE_VERSION := v5.8.1
SOPS_VERSION      := v3.13.3
AGE_VERSION       := v1.2.1
ACTIONLINT_VERSION := v1.7.12
# Helm as k3s's helm-controller runs it: the helm-install jobs run rancher/klipper-helm, whose
# v0.9.14-build20260210 (k3s's 1.33/1.34 lines of early 2026) installs Helm v3.19.5 (klipper-helm's
# Dockerfile, and its plugins' `go mod edit --replace helm.sh/helm/v3=helm.sh/helm/v3@v3.19.5`).
# Helm's own Makefile sets the version the binary reports with this -X flag.
HELM_VERSION      := v3.19.5

TOOLS      := .tools
PIPENV     := $(TOOLS)/pipenv/bin/pipenv
PY         := .venv/bin/python
KUBECONFORM := $(TOOLS)/bin/kubeconform
SCHEMAS    := $(TOOLS)/schemas

VENV_STAMP    := .venv/.installed
DOCS_STAMP    := $(TOOLS)/.docs-reference
DEV_STAMP     := .venv/.installed-dev
NODE_STAMP    := node_modules/.installed
KUBECONFORM_STAMP := $(TOOLS)/bin/.kubeconform-$(KUBECONFORM_VERSION)
KUSTOMIZE_STAMP := $(TOOLS)/bin/.kustomize-$(KUSTOMIZE_VERSION)
SOPS_STAMP    := $(TOOLS)/bin/.sops-$(SOPS_VERSION)-age-$(AGE_VERSION)
ACTIONLINT    := $(TOOLS)/bin/actionlint
ACTIONLINT_STAMP := $(TOOLS)/bin/.actionlint-$(ACTIONLINT_VERSION)
SCHEMA_STAMP  := $(SCHEMAS)/.built
HELM_STAMP    := $(TOOLS)/bin/.helm-$(HELM_VERSION)
# The chart's version is pinned once, in gitops/review/edge.py (which renders it); a changed pin fetches again.
TRAEFIK_CHART_VERSION := $(shell sed -n 's/^CHART_VERSION = "\(.*\)"$$/\1/p' gitops/review/edge.py)
CHART_STAMP   := $(TOOLS)/charts/traefik-$(TRAEFIK_CHART_VERSION)/.fetched
GO_INSTALL    := GOBIN=$(CURDIR)/$(TOOLS)/bin go install

export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_SKIP_LOCK := 1
export PIPENV_VERBOSITY := -1
export PIPENV_IGNORE_VIRTUALENVS := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

GENERATED := dist config/schema.json docs/reference

# The unit tests are independent (each works in its own temporary directory): one process per core.
PYTEST_WORKERS := -n auto

.PHONY: setup synth watch test lint freshness validate check lint-workflows pytest bench cdk8s-synth clean

# The commit before the layering work (gitops/cli, one jsii runtime per synth, the static gate), for
# `make bench`'s before/after table.
BENCH_BASELINE := 8549854

# Everything `make test` uses.
TEST_TOOLS := $(DEV_STAMP) $(NODE_STAMP) $(KUBECONFORM_STAMP) $(KUSTOMIZE_STAMP) $(SOPS_STAMP) \
              $(ACTIONLINT_STAMP) $(SCHEMA_STAMP) $(HELM_STAMP) $(CHART_STAMP)

setup: $(TEST_TOOLS)

$(PIPENV):
	$(PYTHON) -m venv $(TOOLS)/pipenv
	$(TOOLS)/pipenv/bin/pip install --quiet --disable-pip-version-check pipenv==$(PIPENV_VERSION)

# synth's packages only ([packages]); a changed Pipfile installs them again, then the dev packages.
# Compiled for both the plain and the -O interpreter: synth and its workers run under -O,
# check, diff and pytest without it.
$(VENV_STAMP): Pipfile | $(PIPENV)
	$(PIPENV) install
	$(PY) -m compileall -q -j 0 -o 0 -o 1 .venv/lib/python3.11/site-packages
	@touch $@

# pytest and the source of the built-in schemas ([dev-packages]), added to the same environment.
$(DEV_STAMP): $(VENV_STAMP)
	$(PIPENV) install --dev
	@touch $@

$(NODE_STAMP): package.json .npmrc
	npm install --no-audit --no-fund
	@touch $@

$(KUBECONFORM_STAMP):
	$(GO_INSTALL) github.com/yannh/kubeconform/cmd/kubeconform@$(KUBECONFORM_VERSION)
	@touch $@

# kustomize builds every path Flux and Argo CD sync, as the parity tests require.
$(KUSTOMIZE_STAMP):
	$(GO_INSTALL) sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)
	@touch $@

# sops and age-keygen: the SOPS round-trip test encrypts with a throwaway age key.
$(SOPS_STAMP):
	$(GO_INSTALL) github.com/getsops/sops/v3/cmd/sops@$(SOPS_VERSION)
	$(GO_INSTALL) filippo.io/age/cmd/age-keygen@$(AGE_VERSION)
	@touch $@

# actionlint checks the Gitea Actions workflow (GitHub Actions syntax).
$(ACTIONLINT_STAMP):
	$(GO_INSTALL) github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)
	@touch $@

# check renders k3s's Traefik chart with this Helm (gitops/review/edge.py); synth never needs it.
$(HELM_STAMP):
	$(GO_INSTALL) -ldflags='-s -w -X helm.sh/helm/v3/internal/version.version=$(HELM_VERSION)' \
	  helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)
	@touch $@

# The Traefik chart's source, from the Go module proxy into .tools/charts/ (gitops/review/edge.py).
$(CHART_STAMP): | $(VENV_STAMP)
	$(PY) -m gitops.review.edge download
	@touch $@

# Built-in schemas from kubernetes-validate; Flux and Argo CD schemas from their CRDs,
# fetched as Go modules (gitops/k8s/crds.py pins the versions).
$(SCHEMA_STAMP): $(DEV_STAMP) gitops/tools/kubeschemas.py gitops/tools/crdschemas.py gitops/k8s/crds.py $(wildcard gitops/tools/schemas/*/*.json) $(wildcard config/*.yaml)
	$(PY) -m gitops.tools.kubeschemas $(SCHEMAS)
	@touch $@

synth: $(VENV_STAMP) $(DOCS_STAMP)
	$(PY) main.py synth

# docs/reference/ mirrors registries, models and docstrings in the code: regenerated when a module
# changes, so a second `make synth` pays nothing for it (`make test` always regenerates).
$(DOCS_STAMP): $(VENV_STAMP) .importlinter $(wildcard main.py gitops/*.py gitops/*/*.py gitops/*/*/*.py gitops/*/*/*/*.py charts/*.py)
	$(PY) -m gitops.tools.docs
	@mkdir -p $(@D) && touch $@

# Synthesize on every change under config/ or charts/ and print what it does against HEAD.
watch: $(VENV_STAMP)
	$(PY) main.py synth --watch

# Same output through Node's cdk8s CLI (cdk8s.yaml); synth itself needs no npm package.
cdk8s-synth: $(VENV_STAMP) $(NODE_STAMP)
	npx cdk8s synth --no-check-upgrade

test: $(TEST_TOOLS)
	@$(MAKE) --no-print-directory lint
	$(PY) main.py synth
	$(PY) -m gitops.tools.docs
	@$(MAKE) --no-print-directory freshness
	$(PY) main.py validate
	$(PY) main.py check
	$(ACTIONLINT) .gitea/workflows/manifests.yaml
	$(PY) -m pytest -q $(PYTEST_WORKERS)

# The static gate, first in `make test` so a lint error fails in seconds: lint and format (.ruff.toml),
# types (.mypy.ini) and the layers of docs/layout.md (.importlinter).
lint: $(DEV_STAMP)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	.venv/bin/lint-imports

# dist/, config/schema.json and docs/reference/ must be exactly what synth and the docs
# generator produce and be in git
# (committed, or staged for the commit being tested): Flux and Argo CD deploy what
# git holds, not what is on a laptop.
freshness:
	@if ! git diff --quiet -- $(GENERATED); then \
	  echo "Generated files differ from git (stale or uncommitted):" >&2; \
	  git --no-pager diff --stat -- $(GENERATED) >&2; \
	  echo "Commit them with the change that caused them: git add $(GENERATED)" >&2; \
	  exit 1; \
	fi
	@untracked=$$(git ls-files --others -- $(GENERATED)); \
	if [ -n "$$untracked" ]; then \
	  echo "Generated files that git does not track (untracked or ignored):" >&2; \
	  echo "$$untracked" >&2; \
	  echo "Add them (and check .gitignore does not hide them): git add $(GENERATED)" >&2; \
	  exit 1; \
	fi

validate: $(VENV_STAMP) $(KUBECONFORM_STAMP) $(SCHEMA_STAMP)
	$(PY) main.py validate

check: $(VENV_STAMP) $(HELM_STAMP) $(CHART_STAMP)
	$(PY) main.py check

lint-workflows: $(ACTIONLINT_STAMP)
	$(ACTIONLINT) .gitea/workflows/manifests.yaml

pytest: $(TEST_TOOLS)
	$(PY) -m pytest -q $(PYTEST_WORKERS)

# Speed and memory of synth and the gate, against bare cdk8s and plain YAML writing, and what the
# rehearsal and the Gitea end-to-end suite cost (BENCHMARKS.md). COLD_BUILD=1 also builds every cluster
# binary and Gitea on empty Go caches (about 17 + 5 minutes on 2 cores), as a fresh CI machine does;
# CI_RUN=1 also runs .ci/run on a fresh clone with every cache empty (most of an hour).
bench: $(TEST_TOOLS) rehearse-tools gitea-tools
	$(PY) -m gitops.tools.bench --baseline $(BENCH_BASELINE) $(if $(COLD_BUILD),--cold-build) $(if $(CI_RUN),--ci-run) --write BENCHMARKS.md

# ---- Cluster rehearsal tools (make rehearse only; make synth and make test never build these) ----
# A real Kubernetes control plane, etcd, kwok, two Flux controllers and Argo CD, built from Go modules
# (wrapper modules with committed go.mod/go.sum under gitops/rehearse/modules/) into
# .tools/cluster/<component>-<version>/bin/. Each build has a stamp: a second run rebuilds nothing.
# A wrapper module's stamp is named after its go.mod and go.sum content, not their times: a fresh
# checkout (or CI restoring .tools/cluster from its cache) has new times and the same content.
# Versions are the ones whose CRDs gitops/k8s/crds.py pins (Flux and Argo CD; tests/k8s/test_crds.py
# holds them equal) and the cluster's minor (1.34).
REHEARSE_K8S_VERSION   := v1.34.4
REHEARSE_ETCD_VERSION  := v3.6.8
REHEARSE_KWOK_VERSION  := v0.7.0
REHEARSE_FLUX_VERSION  := v1.9.6
REHEARSE_ARGOCD_VERSION := v3.2.11
REHEARSE_MODULES       := gitops/rehearse/modules
CLUSTER_TOOLS          := $(TOOLS)/cluster
REHEARSE_GO_BUILD      := CGO_ENABLED=0 go build -trimpath
K8S_BIN   := $(CLUSTER_TOOLS)/kubernetes-$(REHEARSE_K8S_VERSION)/bin
ETCD_BIN  := $(CLUSTER_TOOLS)/etcd-$(REHEARSE_ETCD_VERSION)/bin
KWOK_BIN  := $(CLUSTER_TOOLS)/kwok-$(REHEARSE_KWOK_VERSION)/bin
FLUX_BIN  := $(CLUSTER_TOOLS)/flux-$(REHEARSE_FLUX_VERSION)/bin
ARGOCD_BIN := $(CLUSTER_TOOLS)/argocd-$(REHEARSE_ARGOCD_VERSION)/bin
# Without these -X flags the binaries report v0.0.0-master+$$Format:%H$$ (REFERENCE: control plane).
K8S_VERSION_LDFLAGS := $(foreach pkg,k8s.io/component-base/version k8s.io/client-go/pkg/version,\
  -X $(pkg).gitVersion=$(REHEARSE_K8S_VERSION) -X $(pkg).gitMajor=1 \
  -X $(pkg).gitMinor=$(word 2,$(subst ., ,$(REHEARSE_K8S_VERSION))) -X $(pkg).gitTreeState=clean)
module_stamp = $(1)/.$(2)-$(shell cat $(REHEARSE_MODULES)/$(2)/go.mod $(REHEARSE_MODULES)/$(2)/go.sum | \
  git hash-object --stdin | cut -c1-12)
K8S_STAMP   := $(call module_stamp,$(K8S_BIN),kubernetes)
ETCD_STAMP  := $(call module_stamp,$(ETCD_BIN),etcd)
SOURCE_STAMP := $(call module_stamp,$(FLUX_BIN),source-controller)
KUSTOMIZE_CONTROLLER_STAMP := $(call module_stamp,$(FLUX_BIN),kustomize-controller)
ARGOCD_STAMP := $(call module_stamp,$(ARGOCD_BIN),argocd)
KWOK_STAMP  := $(KWOK_BIN)/.built

$(K8S_STAMP):
	@mkdir -p $(@D)
	cd $(REHEARSE_MODULES)/kubernetes && $(REHEARSE_GO_BUILD) -ldflags='-s -w $(K8S_VERSION_LDFLAGS)' \
	  -o $(abspath $(@D))/ k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
	  k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
	@touch $@

$(ETCD_STAMP):
	@mkdir -p $(@D)
	cd $(REHEARSE_MODULES)/etcd && $(REHEARSE_GO_BUILD) -ldflags='-s -w' -o $(abspath $(@D))/etcd go.etcd.io/etcd/server/v3
	@touch $@

# kwok installs as it is; its release build sets the version the same way (hack/releases.sh).
$(KWOK_STAMP):
	@mkdir -p $(@D)
	GOBIN=$(abspath $(@D)) CGO_ENABLED=0 go install -trimpath \
	  -ldflags='-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$(REHEARSE_KWOK_VERSION)' \
	  sigs.k8s.io/kwok/cmd/kwok@$(REHEARSE_KWOK_VERSION)
	@touch $@

# The controllers' main packages are their module roots.
$(SOURCE_STAMP):
	@mkdir -p $(@D)
	cd $(REHEARSE_MODULES)/source-controller && $(REHEARSE_GO_BUILD) -ldflags='-s -w' \
	  -o $(abspath $(@D))/source-controller github.com/fluxcd/source-controller
	@touch $@

$(KUSTOMIZE_CONTROLLER_STAMP):
	@mkdir -p $(@D)
	cd $(REHEARSE_MODULES)/kustomize-controller && $(REHEARSE_GO_BUILD) -ldflags='-s -w' \
	  -o $(abspath $(@D))/kustomize-controller github.com/fluxcd/kustomize-controller
	@touch $@

# Argo CD is one binary that acts as the component it is started as (cmd/main.go switches on its name):
# the names the rehearsal starts are symlinks to it. Upstream's Makefile sets common.version from its
# VERSION file (no leading v); without it the binary reports v99.99.99+unknown, with it v3.2.11+unknown
# (the commit is not known to a module build).
ARGOCD_NAMES := argocd-application-controller argocd-repo-server argocd-server
$(ARGOCD_STAMP):
	@mkdir -p $(@D)
	cd $(REHEARSE_MODULES)/argocd && $(REHEARSE_GO_BUILD) \
	  -ldflags='-s -w -X github.com/argoproj/argo-cd/v3/common.version=$(REHEARSE_ARGOCD_VERSION:v%=%)' \
	  -o $(abspath $(@D))/argocd github.com/argoproj/argo-cd/v3/cmd
	for name in $(ARGOCD_NAMES); do ln -sfn argocd $(@D)/$$name; done
	@touch $@

# Redis for Argo CD (the repo-server's manifest cache, and the controller's), run as a process
# on a loopback port. Debian's own build, unpacked, not installed: no root, no system service.
# redis-tools holds the binary, redis-server the name it answers to as a server (a symlink to it),
# libjemalloc2 and liblzf1 the two libraries it links that the machine image lacks (ldd; libssl3,
# libsystemd0 and libatomic1 are in the image). bin/ gets wrappers that point LD_LIBRARY_PATH at the
# unpacked libraries. apt-get verifies every file against the signed package lists: the machine's
# when they hold these exact versions, else lists fetched into .tools/apt/ by a private
# `apt-get update` (no root needed). Debian serves only a suite's current versions: once it replaces
# one, bump the pin to what `apt-cache policy redis-tools libjemalloc2 liblzf1` shows.
REDIS_DEB_VERSION    := 5:7.0.15-1~deb12u10
JEMALLOC_DEB_VERSION := 5.3.0-1
LZF_DEB_VERSION      := 3.6-3
REDIS_DEBS  := redis-server=$(REDIS_DEB_VERSION) redis-tools=$(REDIS_DEB_VERSION) \
               libjemalloc2=$(JEMALLOC_DEB_VERSION) liblzf1=$(LZF_DEB_VERSION)
REDIS_DIR   := $(TOOLS)/redis-$(subst ~,-,$(lastword $(subst :, ,$(REDIS_DEB_VERSION))))
REDIS_BIN   := $(REDIS_DIR)/bin
REDIS_STAMP := $(REDIS_BIN)/.debs-$(shell echo '$(REDIS_DEBS)' | git hash-object --stdin | cut -c1-12)
APT_PRIVATE := -o Dir::State::Lists=$(abspath $(TOOLS))/apt/lists -o Dir::Cache=$(abspath $(TOOLS))/apt/cache

ifeq ($(shell uname -s),Linux)
$(REDIS_STAMP):
	@command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || { \
	  echo "redis: this rule unpacks Debian's redis packages and needs apt-get and dpkg-deb (Debian, Ubuntu);" >&2; \
	  echo "redis: elsewhere install Redis 7 from the distribution and put redis-server on PATH" >&2; exit 2; }
	rm -rf $(REDIS_DIR) && mkdir -p $(REDIS_DIR)/debs $(REDIS_BIN)
	cd $(REDIS_DIR)/debs && { apt-get -q download $(REDIS_DEBS) || { \
	  echo "redis: the machine's package lists lack these versions; fetching current lists into $(TOOLS)/apt/"; \
	  mkdir -p $(abspath $(TOOLS))/apt/lists/partial $(abspath $(TOOLS))/apt/cache/archives/partial && \
	  apt-get -q $(APT_PRIVATE) update && apt-get -q $(APT_PRIVATE) download $(REDIS_DEBS); }; }
	for deb in $(REDIS_DIR)/debs/*.deb; do dpkg-deb -x $$deb $(REDIS_DIR)/root; done
	libdir=$$(cd $(REDIS_DIR)/root && dirname $$(find usr/lib -name libjemalloc.so.2)) && \
	for name in redis-server redis-cli; do \
	  printf '#!/bin/sh\n# Debian redis $(REDIS_DEB_VERSION), unpacked by make; its libraries are beside it.\nroot=$$(cd "$$(dirname "$$0")/../root" && pwd)\nLD_LIBRARY_PATH="$$root/%s$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH}" exec "$$root/usr/bin/%s" "$$@"\n' \
	    "$$libdir" "$$name" > $(REDIS_BIN)/$$name && chmod +x $(REDIS_BIN)/$$name; done
	$(REDIS_BIN)/redis-server --version
	@touch $@
else
# Not Linux (macOS): Debian's packages do not apply; the operator installs Homebrew's redis.
$(REDIS_STAMP):
	@command -v redis-server >/dev/null || { \
	  echo "redis: on $(shell uname -s) install Homebrew's redis (brew install redis) so that redis-server is on PATH;" >&2; \
	  echo "redis: this rule unpacks Debian's packages on Linux only" >&2; exit 2; }
	@echo "redis: using $$(command -v redis-server) ($$(redis-server --version | cut -d' ' -f3))"
endif

# The rehearsal reads files from upstream modules in the module cache, never written by hand: the CRDs
# (the releases gitops/k8s/crds.py pins, one list for the schemas and the rehearsal) and kwok's pod
# stages. No stamp: the module cache is not .tools/ (CI restores one without the other), and
# downloading what is already there takes no time.
REHEARSE_TOOLS := $(K8S_STAMP) $(ETCD_STAMP) $(KWOK_STAMP) $(SOURCE_STAMP) $(KUSTOMIZE_CONTROLLER_STAMP) \
                  $(ARGOCD_STAMP) $(REDIS_STAMP)

.PHONY: rehearse-tools rehearse rehearse-modules redis-tools
rehearse-modules: $(VENV_STAMP)
	$(PY) -m gitops.k8s.crds download
	GOFLAGS=-mod=mod go mod download sigs.k8s.io/kwok@$(REHEARSE_KWOK_VERSION)

rehearse-tools: $(REHEARSE_TOOLS) rehearse-modules

redis-tools: $(REDIS_STAMP)

# The end-to-end tests (tests/e2e/, which `make test` does not collect: its files are not named
# test_*.py). The first is the main run: every environment, each on its own throwaway cluster, its
# report printed; then configs only a real cluster refuses, SOPS decrypted by the real Flux, and the cutover
# from the reconstructed live cluster (tests/fixtures/live/) as `main.py adopt` plans it.
REHEARSE_E2E := tests/e2e/rehearse_project.py tests/e2e/rehearse_argocd.py tests/e2e/rehearse_broken_configs.py \
                tests/e2e/rehearse_sops.py tests/e2e/rehearse_adopt.py
rehearse: setup rehearse-tools
	$(PY) -m pytest -q -p no:cacheprovider $(REHEARSE_E2E)
# ---- end of the cluster rehearsal tools ----

# ---- Gitea for the end-to-end suite (make gitea-tools; not part of rehearse-tools) ----
# Gitea v1.25.5 built from its Go module (wrapper module gitops/rehearse/modules/gitea/, beside the
# other wrapper modules) into .tools/gitea-<version>/bin/gitea: SQLite through cgo (Gitea's own
# `TAGS="sqlite sqlite_unlock_notify"`), no bindata, so templates and locales are read from
# StaticRootPath, which points at the module's source in this machine's module cache (the REST API
# needs nothing else; the web UI's built assets are not there). That path is part of the stamp's
# name: a build made for another module cache (CI restoring .tools/ elsewhere) is rebuilt, and the
# source is downloaded again whenever the module cache has lost it. Version flags as upstream's
# Makefile sets them (main.Version without the leading v, main.Tags).
GITEA_VERSION := v1.25.5
GITEA_TAGS    := sqlite sqlite_unlock_notify
GITEA_BIN     := $(TOOLS)/gitea-$(GITEA_VERSION)/bin
GITEA_SOURCE  := $(shell go env GOMODCACHE)/code.gitea.io/gitea@$(GITEA_VERSION)
GITEA_STAMP   := $(GITEA_BIN)/.gitea-$(shell { cat $(REHEARSE_MODULES)/gitea/go.mod $(REHEARSE_MODULES)/gitea/go.sum; \
  echo '$(GITEA_SOURCE)'; } | git hash-object --stdin | cut -c1-12)

GITEA_LDFLAGS := -X code.gitea.io/gitea/modules/setting.StaticRootPath=$(GITEA_SOURCE) \
  -X main.Version=$(GITEA_VERSION:v%=%) -X "main.Tags=$(GITEA_TAGS)"

$(GITEA_SOURCE)/go.mod:
	cd $(REHEARSE_MODULES)/gitea && go mod download code.gitea.io/gitea

$(GITEA_STAMP): | $(GITEA_SOURCE)/go.mod
	@mkdir -p $(@D)
	cd $(REHEARSE_MODULES)/gitea && CGO_ENABLED=1 go build -trimpath -tags '$(GITEA_TAGS)' \
	  -ldflags='-s -w $(GITEA_LDFLAGS)' -o $(abspath $(@D))/gitea code.gitea.io/gitea
	@touch $@

.PHONY: gitea-tools e2e-gitea
gitea-tools: $(GITEA_STAMP) $(GITEA_SOURCE)/go.mod

# The pull-request comment on a real Gitea (tests/e2e/gitea_review.py): Gitea on 127.0.0.1, this
# repository pushed, a pull request, the workflow's own steps run on it (the real `make test` among
# them), and what Gitea then holds and renders checked. E2E_GITEA_REHEARSE=real runs the workflow's
# rehearsal steps too (they need `make rehearse-tools`) instead of a recorded report.
GITEA_E2E := tests/e2e/gitea_review.py
e2e-gitea: setup gitea-tools
	GITEA=$(abspath $(GITEA_BIN))/gitea $(PY) -m pytest -q -p no:cacheprovider $(GITEA_E2E)
# ---- end of Gitea ----

# The value of a make variable, for tools that need the Makefile's own answer (the benchmark's
# cold build asks where each cluster build's stamp lands): make -s print-K8S_STAMP
print-%:
	@echo '$($*)'

clean:
	rm -rf .venv node_modules $(TOOLS) .cdk8s.out .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
