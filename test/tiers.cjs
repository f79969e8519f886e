const { availableParallelism } = require("node:os");

// The test tiers (README.md, "Tests and benchmarks"). A spec is in `unit` unless listed below; `unit` runs
// under test/unit-guard.ts, which fails any spec there that renders a stack or starts a subprocess, so a
// spec that does either must be listed here.

/** The project's command-line tools and the served pack, run as a user or the Pulumi CLI runs them (subprocesses). */
const CLI = [
    "test/tools/plan.spec.ts",
    "test/tools/check.spec.ts",
    "test/tools/documented-commands.spec.ts",
    "test/policy-pack/lib/one-core.spec.ts",
    "test/policy-pack/policies/kubernetes/pod-security/served.spec.ts",
    "test/tools/local-database.spec.ts",
];

/** Renders of the stacks (Pulumi's mocks), and the real tools over what they produce: Helm, promtool, amtool, sh, openssl, gpg. */
const RENDER = [
    "test/bench/**/*.spec.ts",
    "test/infra/admission/rendered.spec.ts",
    "test/infra/cluster/*.spec.ts",
    "test/infra/config.spec.ts",
    "test/infra/config-keys.spec.ts",
    "test/infra/kubernetes-schemas.spec.ts",
    "test/infra/references.spec.ts",
    "test/infra/mesh/istio-mesh.spec.ts",
    "test/infra/monitoring/amtool.spec.ts",
    "test/infra/monitoring/crds.spec.ts",
    "test/infra/monitoring/rules.spec.ts",
    "test/infra/monitoring/security-monitoring.spec.ts",
    "test/infra/namespaces/app-namespace.spec.ts",
    "test/infra/services/access.spec.ts",
    "test/infra/services/onboarding.spec.ts",
    "test/infra/vault/backups.spec.ts",
    "test/infra/vault/bootstrap.spec.ts",
    "test/infra/vault/reconcile.spec.ts",
    "test/infra/vault/network.spec.ts",
    "test/infra/vault/plan.spec.ts",
    "test/infra/vault/chart.spec.ts",
    "test/infra/vault/config.spec.ts",
    "test/infra/vault/configuration.spec.ts",
    "test/infra/vault/render.spec.ts",
    "test/infra/vault/scripts.spec.ts",
    "test/infra/vault/tls.spec.ts",
    "test/infra/vault/values.spec.ts",
    "test/policy-pack/index.spec.ts",
    "test/policy-pack/lib/plan.spec.ts",
    "test/policy-pack/policies/aws/platform-stacks.spec.ts",
    "test/policy-pack/policies/kubernetes/containers/read-only-root-filesystem.spec.ts",
    "test/policy-pack/policies/kubernetes/storage/encrypted-ebs-storage-class.spec.ts",
    "test/renovate.spec.ts",
    "test/tools/charts/*.spec.ts",
    "test/tools/compliance.spec.ts",
];

const ALL = ["test/**/*.spec.ts"];

// The render and CLI tiers wait on subprocesses (Helm, promtool, sh, curl, the served pack) as much as they
// compute: their spec files run in one worker per core. Each worker renders a stack at most once.
const parallel = { parallel: true, jobs: Math.max(2, availableParallelism()) };

/** Mocha's spec and ignore lists, extra setup, timeout and parallelism for a tier (all specs when none is given). */
function tier(name) {
    const slow = 120000;
    switch (name) {
        case undefined:
        case "":
            return { spec: ALL, ignore: [], require: [], timeout: slow, ...parallel };
        case "unit":
            // Pure tests finish in well under a second each; a spec waiting longer is waiting on something it should not.
            return { spec: ALL, ignore: [...RENDER, ...CLI], require: ["test/unit-guard.ts"], timeout: 20000 };
        case "render":
            return { spec: RENDER, ignore: [], require: [], timeout: slow, ...parallel };
        case "cli":
            return { spec: CLI, ignore: [], require: [], timeout: slow, ...parallel };
        case "render+cli":
            // One run for both (npm test): the workers stay busy to the end instead of idling at the end of each tier.
            return { spec: [...RENDER, ...CLI], ignore: [], require: [], timeout: slow, ...parallel };
        default:
            throw new Error(`TEST_TIER=${name}: the tiers are unit, render, cli and render+cli (unset for all)`);
    }
}

module.exports = { tier, CLI, RENDER };
