// The AWS policies over what the program itself registers (real @pulumi/aws 7 resources under mocks):
// the platform meets every AWS control, advisory ones included, and the policies see the shapes it sends.
import { strict as assert } from "node:assert";
import { evaluatePlan, readStackPolicyConfig, type PlanJson } from "../../../../policy-pack/lib/plan";
import { planEntry } from "../../../../tools/render/render";
import { rendered, STACKS } from "../../../helpers/stacks";

async function planOf(stack: string): Promise<PlanJson> {
    const r = await rendered(stack);
    const resources = r.resources.map(planEntry);
    return JSON.parse(JSON.stringify({ stack: r.stack, resources, outputs: r.outputs })) as PlanJson;
}

async function awsViolations(plan: PlanJson, stack: string): Promise<string[]> {
    const { report } = await evaluatePlan(plan, readStackPolicyConfig(stack));
    assert.deepEqual(report.errors, []);
    return report.violations.filter((v) => v.policy.startsWith("aws:")).map((v) => `${v.policy} ${v.resource?.name}: ${v.message}`);
}

type PlanResource = PlanJson["resources"][number];
const inputsOf = (r: PlanResource) => r.inputs as Record<string, any>;

describe("aws policies over the platform's own stacks", () => {
    for (const stack of STACKS) {
        it(`${stack}: no AWS policy reports anything, advisory included; the snapshot bucket's exemption shows its reason`, async () => {
            const plan = await planOf(stack);
            assert.deepEqual(await awsViolations(plan, stack), []);
            const { report } = await evaluatePlan(plan, readStackPolicyConfig(stack));
            const exempted = report.exemptions.filter((e) => e.policy === "aws:s3-bucket-access-logging").map((e) => e.resource.name);
            const hasBucket = plan.resources.some((r) => r.type === "aws:s3/bucket:Bucket");
            assert.deepEqual(exempted, hasBucket ? ["vault-backups-bucket"] : []);
        });
    }

    it("prod: the policies judge the shapes the program sends (a weakened bucket and launch template are reported)", async () => {
        const plan = await planOf("prod");
        const sse = plan.resources.find((r) => r.type.startsWith("aws:s3/bucketServerSideEncryptionConfiguration"));
        const templates = plan.resources.filter((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate");
        assert.ok(sse && templates.length > 0);
        delete inputsOf(sse).rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId;
        inputsOf(templates[0]!).blockDeviceMappings[0].ebs.encrypted = "false";
        delete inputsOf(templates[0]!).monitoring;
        inputsOf(templates[0]!).networkInterfaces = [{ associatePublicIpAddress: "true" }];
        const found = await awsViolations(plan, "prod");
        for (const policy of [
            "aws:s3-bucket-kms-encryption",
            "aws:ec2-encrypted-volumes",
            "aws:ec2-detailed-monitoring",
            "aws:ec2-no-public-ip",
        ])
            assert.ok(
                found.some((v) => v.startsWith(`${policy} `)),
                `${policy} in ${found.join(" | ")}`,
            );
    });
});
