import type * as aws from "@pulumi/aws";
import { kmsNoLockoutBypass } from "../../../../policy-pack/policies/aws/kms-no-lockout-bypass";
import { check, expectNone, expectViolations } from "../../helpers";

describe("aws:kms-no-lockout-bypass", () => {
    const key: aws.kms.KeyArgs = { description: "data", enableKeyRotation: true, deletionWindowInDays: 30 };
    const replica: aws.kms.ReplicaKeyArgs = { primaryKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/mrk-1" };
    const keyPolicy: aws.kms.KeyPolicyArgs = { keyId: "1234abcd", policy: "{}" };
    const cases: [string, object][] = [
        ["aws:kms/key:Key", key],
        ["aws:kms/replicaKey:ReplicaKey", replica],
        ["aws:kms/externalKey:ExternalKey", { description: "imported" } satisfies aws.kms.ExternalKeyArgs],
        ["aws:kms/replicaExternalKey:ReplicaExternalKey", replica satisfies aws.kms.ReplicaExternalKeyArgs],
        ["aws:kms/keyPolicy:KeyPolicy", keyPolicy],
    ];

    it("refuses bypassPolicyLockoutSafetyCheck: true on every key type and on KeyPolicy", async () => {
        for (const [type, props] of cases) {
            expectNone(await check(kmsNoLockoutBypass, { type, name: "k", props }));
            expectNone(await check(kmsNoLockoutBypass, { type, name: "k", props: { ...props, bypassPolicyLockoutSafetyCheck: false } }));
            expectViolations(
                await check(kmsNoLockoutBypass, { type, name: "k", props: { ...props, bypassPolicyLockoutSafetyCheck: true } }),
                /locks the account out/,
            );
        }
    });
});
