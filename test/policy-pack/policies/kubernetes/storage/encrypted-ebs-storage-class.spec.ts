import { strict as assert } from "node:assert";
import { evaluate } from "../../../../../policy-pack/lib/evaluate";
import { UNKNOWN_STRING } from "../../../../../policy-pack/lib/values";
import { encryptedEbsStorageClass } from "../../../../../policy-pack/policies/kubernetes/storage/encrypted-ebs-storage-class";
import { only, rendered } from "../../../../helpers/stacks";
import { check, expectNone, expectViolations } from "../../../helpers";

const TYPE = "kubernetes:storage.k8s.io/v1:StorageClass";
const storageClass = (provisioner: unknown, parameters?: Record<string, unknown>) => ({
    type: TYPE,
    name: "sc",
    props: {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: "gp3" },
        provisioner,
        ...(parameters ? { parameters } : {}),
    },
});

describe("k8s:storage:encrypted-ebs-storage-class", () => {
    it('flags an EBS class, CSI or in-tree, without encrypted "true"', async () => {
        for (const provisioner of ["ebs.csi.aws.com", "kubernetes.io/aws-ebs"]) {
            expectViolations(
                await check(encryptedEbsStorageClass, storageClass(provisioner, { type: "gp3" })),
                new RegExp(`\\(${provisioner.replace(/\./g, "\\.")}\\) without parameters\\.encrypted "true"`),
            );
            expectViolations(await check(encryptedEbsStorageClass, storageClass(provisioner)));
            expectViolations(
                await check(encryptedEbsStorageClass, storageClass(provisioner, { type: "gp3", encrypted: "false" })),
                /it is "false"/,
            );
        }
    });

    it("passes an encrypted EBS class, with or without its own key", async () => {
        expectNone(
            await check(
                encryptedEbsStorageClass,
                storageClass("ebs.csi.aws.com", {
                    type: "gp3",
                    encrypted: "true",
                    kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1234",
                }),
            ),
        );
        expectNone(await check(encryptedEbsStorageClass, storageClass("kubernetes.io/aws-ebs", { encrypted: "true" })));
    });

    it("leaves classes of other provisioners alone, and other kinds", async () => {
        expectNone(await check(encryptedEbsStorageClass, storageClass("rancher.io/local-path")));
        expectNone(await check(encryptedEbsStorageClass, storageClass("efs.csi.aws.com", { provisioningMode: "efs-ap" })));
        assert.equal(encryptedEbsStorageClass.appliesTo("kubernetes:core/v1:PersistentVolumeClaim"), false);
        assert.equal(encryptedEbsStorageClass.appliesTo(TYPE), true);
    });

    it("reports a class whose encryption is not known until apply as advisory only", async () => {
        const report = await evaluate(
            [storageClass("ebs.csi.aws.com", { type: "gp3", encrypted: UNKNOWN_STRING })],
            {},
            { policies: [encryptedEbsStorageClass] },
        );
        assert.equal(report.hasMandatory, false);
        assert.deepEqual(
            report.violations.map((v) => v.enforcementLevel),
            ["advisory"],
        );
        const unknownProvisioner = await evaluate([storageClass(UNKNOWN_STRING)], {}, { policies: [encryptedEbsStorageClass] });
        assert.deepEqual(unknownProvisioner.violations, []);
    });

    it("passes the class the EKS stacks create", async () => {
        for (const stack of ["dev", "staging", "prod"]) {
            const resource = only(await rendered(stack), TYPE);
            expectNone(await check(encryptedEbsStorageClass, { type: resource.type, name: resource.name, props: resource.inputs }));
        }
    });
});
