"""`make bench`: wall time and peak memory of synth, watch and the gate, with references.

Every measurement runs a real command in a fresh process, several times, in
a sandbox copy of the project (the real dist/ is never touched); see
report.py for what BENCHMARKS.md shows and references.py for what ours is
measured against.

  measure     running a command, its time and memory
  workloads   sandboxes and synthetic stacks
  references  the jsii floor, bare cdk8s, the writer alone, and the phases of one synth
  devloop     a fresh clone's first `make synth`, and watch round trips
  rehearsal   the cluster rehearsal: its binaries' cold and cached build, rehearsals of prod and staging
  gitea       the Gitea end-to-end suite: Gitea's cold and cached build, one `make e2e-gitea`
  run         one whole run, on this machine
  report      BENCHMARKS.md

  python -m gitops.tools.bench [--runs N] [--baseline REV] [--no-clone] [--no-rehearsal] [--no-gitea]
                             [--rehearsal-runs N] [--cold-build] [--write BENCHMARKS.md]
  python -m gitops.tools.bench bare|writer OBJECTS.json OUT_DIR   (the references themselves)
  python -m gitops.tools.bench phases CONFIG_DIR OUT_DIR          (one synth, part by part, as JSON)
"""
