import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { REPO_ROOT } from "../../../tools/render/stack-file";

interface PlannedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
}

describe("npm run plan -- --stack prod --format json (vault)", function () {
    this.timeout(300_000);
    let resources: PlannedResource[] = [];
    let outputs: Record<string, unknown> = {};

    before(async () => {
        // The same command a user runs; npm's own banner goes to stdout, so call the script npm runs.
        const { stdout } = await promisify(execFile)("npx", ["tsx", "tools/plan.ts", "--stack", "prod", "--format", "json"], {
            cwd: REPO_ROOT,
            maxBuffer: 64 * 1024 * 1024,
        });
        const plan = JSON.parse(stdout) as { resources: PlannedResource[]; outputs: Record<string, unknown> };
        resources = plan.resources;
        outputs = plan.outputs;
    });

    const ofType = (type: string) => resources.filter((r) => r.type === type);
    const vaultServices = ["shop.catalog", "shop.cart", "shop.checkout", "payments.payment-api", "payments.ledger"];

    it("shows the Vault chart", () => {
        const [release] = ofType("kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.chart === "vault");
        assert.ok(release);
        assert.equal(release.inputs.version, "0.31.0");
    });

    it("shows the Kubernetes auth backend with one role and one policy per service", () => {
        assert.equal(ofType("vault:index/authBackend:AuthBackend").filter((b) => b.inputs.type === "kubernetes").length, 1);
        const roles = ofType("vault:kubernetes/authBackendRole:AuthBackendRole").map((r) => r.inputs.roleName);
        const policies = ofType("vault:index/policy:Policy").map((p) => p.inputs.name);
        for (const service of vaultServices) {
            assert.equal(roles.filter((r) => r === service).length, 1, service);
            assert.equal(policies.filter((p) => p === `service.${service}`).length, 1, service);
        }
    });

    it("shows audit devices, Transit keys with rotation and static roles with rotation_period", () => {
        assert.ok(ofType("vault:index/audit:Audit").length >= 1);
        const keys = ofType("vault:transit/secretBackendKey:SecretBackendKey");
        assert.ok(keys.length > 0 && keys.every((k) => k.inputs.autoRotatePeriod > 0));
        const statics = ofType("vault:database/secretBackendStaticRole:SecretBackendStaticRole");
        assert.ok(statics.length > 0 && statics.every((s) => s.inputs.rotationPeriod > 0));
    });

    it("shows the snapshot job and keeps secrets out of the printed plan", () => {
        const [cron] = ofType("kubernetes:batch/v1:CronJob").filter((c) => c.inputs.metadata.name === "vault-snapshot");
        assert.ok(cron);
        const printed = JSON.stringify({ resources, outputs });
        assert.doesNotMatch(printed, /offline-render-placeholder/);
        assert.equal(ofType("pulumi:providers:vault")[0]!.inputs.token, undefined);
    });
});
