import assert from "node:assert/strict";
import { rendered } from "../../helpers/stacks";

interface PlannedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
}

describe("the prod plan (vault): what `npm run plan -- --stack prod --format json` shows", function () {
    this.timeout(300_000);
    let resources: PlannedResource[] = [];
    let outputs: Record<string, unknown> = {};

    // What the command prints is the prod render (test/tools/plan.spec.ts runs the command itself).
    before(async () => {
        const plan = await rendered("prod");
        resources = plan.resources as PlannedResource[];
        outputs = plan.outputs;
    });

    const ofType = (type: string) => resources.filter((r) => r.type === type);
    const vaultServices = ["shop.catalog", "shop.cart", "shop.checkout", "payments.payment-api", "payments.ledger"];

    it("shows the Vault chart", () => {
        const [release] = ofType("kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.chart === "vault");
        assert.ok(release);
        assert.equal(release.inputs.version, "0.31.0");
    });

    // Vault's configuration is a ConfigMap the reconciler Job applies: a preview shows its diff.
    const desired = () => {
        const [configMap] = ofType("kubernetes:core/v1:ConfigMap").filter((c) => c.inputs.metadata.name === "vault-desired-state");
        assert.ok(configMap);
        return JSON.parse(configMap.inputs.data["desired.json"]) as {
            writes: { path: string; body: Record<string, any> }[];
            audit: unknown[];
        };
    };

    it("shows the desired state with one role and one policy per service, and the reconciler Job named after it", () => {
        const paths = desired().writes.map((w) => w.path);
        for (const service of vaultServices) {
            assert.equal(paths.filter((p) => p === `auth/kubernetes/role/${service}`).length, 1, service);
            assert.equal(paths.filter((p) => p === `sys/policies/acl/service.${service}`).length, 1, service);
        }
        assert.equal(
            ofType("kubernetes:batch/v1:Job").filter((j) => /^vault-configure-[0-9a-f]{10}$/.test(j.inputs.metadata.name)).length,
            1,
        );
    });

    it("shows audit devices, Transit keys with rotation and static roles with rotation_period", () => {
        const state = desired() as any;
        assert.ok(state.audit.length >= 1);
        const keys = state.writes.filter((w: any) => /^transit\/keys\/[^/]+\/config$/.test(w.path));
        assert.ok(keys.length > 0 && keys.every((k: any) => k.body.auto_rotate_period > 0 && k.body.deletion_allowed === false));
        const statics = state.database.writes.filter((w: any) => w.path.includes("/static-roles/"));
        assert.ok(statics.length > 0 && statics.every((r: any) => r.body.rotation_period > 0));
    });

    it("shows the snapshot job and keeps secrets out of the printed plan", () => {
        const [cron] = ofType("kubernetes:batch/v1:CronJob").filter((c) => c.inputs.metadata.name === "vault-snapshot");
        assert.ok(cron);
        const printed = JSON.stringify({ resources, outputs });
        assert.doesNotMatch(printed, /offline-render-placeholder/);
        assert.equal(ofType("pulumi:providers:vault").length, 0, "no Vault provider: nothing outside the cluster talks to Vault");
    });
});
