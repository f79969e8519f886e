import { strict as assert } from "node:assert";
import type * as aws from "@pulumi/aws";
import { ec2DetailedMonitoring } from "../../../../policy-pack/policies/aws/ec2-detailed-monitoring";
import { ec2EncryptedVolumes } from "../../../../policy-pack/policies/aws/ec2-encrypted-volumes";
import { ec2NoPublicIp } from "../../../../policy-pack/policies/aws/ec2-no-public-ip";
import { UNKNOWN_STRING } from "../../../../policy-pack/lib/values";
import { check, expectNone, expectViolations } from "../../helpers";

const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const instance = (props: aws.ec2.InstanceArgs) => ({ type: "aws:ec2/instance:Instance", name: "i", props });
const template = (props: aws.ec2.LaunchTemplateArgs) => ({ type: "aws:ec2/launchTemplate:LaunchTemplate", name: "lt", props });
const volume = (props: aws.ebs.VolumeArgs) => ({ type: "aws:ebs/volume:Volume", name: "v", props });

describe("aws EC2 policies", () => {
    it("aws:ec2-no-public-ip: instances and launch template interfaces", async () => {
        expectNone(await check(ec2NoPublicIp, instance({ ami: "ami-1", instanceType: "t3.micro", associatePublicIpAddress: false })));
        expectNone(await check(ec2NoPublicIp, instance({ ami: "ami-1", instanceType: "t3.micro" })));
        expectViolations(
            await check(ec2NoPublicIp, instance({ ami: "ami-1", associatePublicIpAddress: true })),
            /associatePublicIpAddress is true/,
        );
        // @pulumi/aws 7 types the launch template's flag as a string.
        expectNone(
            await check(ec2NoPublicIp, template({ networkInterfaces: [{ associatePublicIpAddress: "false", subnetId: "subnet-1" }] })),
        );
        expectViolations(
            await check(ec2NoPublicIp, template({ networkInterfaces: [{ subnetId: "subnet-1" }, { associatePublicIpAddress: "true" }] })),
            /networkInterfaces\[1\]\.associatePublicIpAddress/,
        );
    });

    describe("aws:ec2-encrypted-volumes", () => {
        it("instances: root and data volumes", async () => {
            const encrypted: aws.ec2.InstanceArgs = {
                ami: "ami-1",
                rootBlockDevice: { encrypted: true, kmsKeyId: KEY_ARN },
                ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true, kmsKeyId: KEY_ARN }],
            };
            expectNone(await check(ec2EncryptedVolumes, instance(encrypted), { requireCustomerManagedKey: true }));
            expectViolations(await check(ec2EncryptedVolumes, instance({ ami: "ami-1" })), /rootBlockDevice is not encrypted/);
            expectViolations(
                await check(ec2EncryptedVolumes, instance({ ...encrypted, ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 10 }] })),
                /ebsBlockDevices\[0\] is not encrypted/,
            );
            expectViolations(
                await check(ec2EncryptedVolumes, instance({ ami: "ami-1", rootBlockDevice: { encrypted: true } }), {
                    requireCustomerManagedKey: true,
                }),
                /aws\/ebs, not a customer-managed key/,
            );
            expectNone(await check(ec2EncryptedVolumes, instance({ ami: "ami-1", rootBlockDevice: { encrypted: true } })));
            // The root volume of an instance launched from a template is the template's, judged on the template.
            expectNone(await check(ec2EncryptedVolumes, instance({ launchTemplate: { id: "lt-1", version: "$Latest" } })));
        });

        it("launch templates spell encrypted as a string, and need a mapping for the root volume", async () => {
            const mapping = (ebs: aws.types.input.ec2.LaunchTemplateBlockDeviceMappingEbs) =>
                template({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs }] });
            expectNone(
                await check(ec2EncryptedVolumes, mapping({ encrypted: "true", kmsKeyId: KEY_ARN, volumeSize: 100 }), {
                    requireCustomerManagedKey: true,
                }),
            );
            expectViolations(
                await check(ec2EncryptedVolumes, mapping({ encrypted: "false", volumeSize: 100 })),
                /blockDeviceMappings\[0\]\.ebs is not encrypted/,
            );
            expectViolations(await check(ec2EncryptedVolumes, mapping({ volumeSize: 100 })), /not encrypted/);
            expectViolations(await check(ec2EncryptedVolumes, template({ imageId: "ami-1" })), /sets no EBS volume/);
            // A key that is another resource's output at preview is a key of the account.
            const outcome = await check(ec2EncryptedVolumes, mapping({ encrypted: "true", kmsKeyId: UNKNOWN_STRING }), {
                requireCustomerManagedKey: true,
            });
            expectNone(outcome);
            assert.ok(outcome.unknownPaths.includes("blockDeviceMappings.0.ebs.kmsKeyId"), outcome.unknownPaths.join(", "));
        });

        it("standalone EBS volumes", async () => {
            expectNone(await check(ec2EncryptedVolumes, volume({ availabilityZone: "eu-west-1a", size: 10, encrypted: true })));
            expectViolations(
                await check(ec2EncryptedVolumes, volume({ availabilityZone: "eu-west-1a", size: 10 })),
                /the volume is not encrypted/,
            );
        });
    });

    it("aws:ec2-detailed-monitoring is advisory, on instances and launch templates", async () => {
        assert.equal(ec2DetailedMonitoring.enforcementLevel, "advisory");
        expectNone(await check(ec2DetailedMonitoring, instance({ ami: "ami-1", monitoring: true })));
        expectNone(await check(ec2DetailedMonitoring, template({ monitoring: { enabled: true } })));
        expectViolations(await check(ec2DetailedMonitoring, instance({ ami: "ami-1" })), /detailed monitoring is off/);
        expectViolations(await check(ec2DetailedMonitoring, template({ monitoring: { enabled: false } })), /detailed monitoring is off/);
    });
});
