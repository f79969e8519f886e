import { cloudwatchLogRetention } from "../../../../policy-pack/policies/aws/cloudwatch-log-retention";
import { eksControlPlaneLogging } from "../../../../policy-pack/policies/aws/eks-control-plane-logging";
import { eksEndpointAccess } from "../../../../policy-pack/policies/aws/eks-endpoint-access";
import { eksSecretsEncryption } from "../../../../policy-pack/policies/aws/eks-secrets-encryption";
import { iamNoAdminWildcard } from "../../../../policy-pack/policies/aws/iam-no-admin-wildcard";
import { imdsv2 } from "../../../../policy-pack/policies/aws/imdsv2-required";
import { kmsKeyRotation } from "../../../../policy-pack/policies/aws/kms-key-rotation";
import { s3BucketBaseline } from "../../../../policy-pack/policies/aws/s3-bucket-baseline";
import { s3PublicAccessBlock } from "../../../../policy-pack/policies/aws/s3-public-access-block";
import { securityGroupOpenIngress } from "../../../../policy-pack/policies/aws/security-group-open-ingress";
import { check, checkStack, expectNone, expectViolations } from "../../helpers";

const cluster = (props: object) => ({ type: "aws:eks/cluster:Cluster", name: "c", props: { roleArn: "arn", ...props } });

describe("aws", () => {
    it("eks-endpoint-access: private, or public to a CIDR allowlist", async () => {
        expectNone(await check(eksEndpointAccess, cluster({ vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false } })));
        expectNone(
            await check(
                eksEndpointAccess,
                cluster({ vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["198.51.100.0/28"] } }),
            ),
        );
        expectViolations(await check(eksEndpointAccess, cluster({ vpcConfig: { subnetIds: [] } })), /0\.0\.0\.0\/0/);
        expectViolations(
            await check(eksEndpointAccess, cluster({ vpcConfig: { endpointPrivateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } })),
        );
    });
    it("eks-secrets-encryption and eks-control-plane-logging", async () => {
        expectNone(
            await check(
                eksSecretsEncryption,
                cluster({ encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:k" } } }),
            ),
        );
        expectViolations(await check(eksSecretsEncryption, cluster({})));
        expectNone(
            await check(
                eksControlPlaneLogging,
                cluster({ enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"] }),
            ),
        );
        expectViolations(
            await check(eksControlPlaneLogging, cluster({ enabledClusterLogTypes: ["api", "audit"] })),
            /authenticator, controllerManager, scheduler/,
        );
    });
    it("kms-key-rotation: rotation on symmetric keys, deletion window", async () => {
        const key = (props: object) => ({ type: "aws:kms/key:Key", name: "k", props });
        expectNone(await check(kmsKeyRotation, key({ enableKeyRotation: true, deletionWindowInDays: 30 })));
        expectViolations(await check(kmsKeyRotation, key({ deletionWindowInDays: 30 })), /enableKeyRotation/);
        expectViolations(await check(kmsKeyRotation, key({ enableKeyRotation: true, deletionWindowInDays: 7 })), /deletionWindowInDays 7/);
        expectNone(await check(kmsKeyRotation, key({ customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" })));
        expectViolations(
            await check(kmsKeyRotation, key({ enableKeyRotation: true, deletionWindowInDays: 20 }), { minDeletionWindowDays: 30 }),
        );
    });
    it("cloudwatch-log-retention: retention and KMS", async () => {
        const group = (props: object) => ({ type: "aws:cloudwatch/logGroup:LogGroup", name: "g", props });
        expectNone(await check(cloudwatchLogRetention, group({ retentionInDays: 365, kmsKeyId: "arn:k" })));
        expectViolations(await check(cloudwatchLogRetention, group({ kmsKeyId: "arn:k" })), /not set/);
        expectViolations(await check(cloudwatchLogRetention, group({ retentionInDays: 30, kmsKeyId: "arn:k" })), /below 90/);
        expectNone(await check(cloudwatchLogRetention, group({ retentionInDays: 30, kmsKeyId: "arn:k" }), { minRetentionDays: 30 }));
        expectViolations(await check(cloudwatchLogRetention, group({ retentionInDays: 365 })), /kmsKeyId/);
    });
    it("s3-public-access-block requires all four settings", async () => {
        const all = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
        expectNone(
            await check(s3PublicAccessBlock, { type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name: "p", props: all }),
        );
        expectViolations(
            await check(s3PublicAccessBlock, {
                type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                name: "p",
                props: { ...all, restrictPublicBuckets: false },
            }),
            /restrictPublicBuckets/,
        );
    });
    describe("aws:s3-bucket-baseline (stack)", () => {
        const bucketUrn = "urn:pulumi:prod::p::aws:s3/bucket:Bucket::snapshots";
        const bucket = { type: "aws:s3/bucket:Bucket", name: "snapshots", urn: bucketUrn, props: { bucket: "snapshots-prod" } };
        const child = (type: string, name: string, props: object) => ({ type, name, props, dependencies: [bucketUrn] });
        const tlsOnly = JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: ["arn:aws:s3:::snapshots-prod/*"],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
        const complete = [
            bucket,
            child("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", {}),
            child("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "sse", {
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
            }),
            child("aws:s3/bucketVersioning:BucketVersioning", "ver", { versioningConfiguration: { status: "Enabled" } }),
            child("aws:s3/bucketPolicy:BucketPolicy", "pol", { policy: tlsOnly }),
        ];
        it("passes a bucket with all four companions", async () => {
            expectNone(await checkStack(s3BucketBaseline, complete));
        });
        it("names what a bucket lacks", async () => {
            expectViolations(
                await checkStack(s3BucketBaseline, [bucket]),
                /public access block, default encryption, versioning, a TLS-only bucket policy/,
            );
            expectViolations(
                await checkStack(
                    s3BucketBaseline,
                    complete.filter((r) => r.name !== "ver"),
                ),
                /lacks versioning/,
            );
            expectViolations(
                await checkStack(s3BucketBaseline, [
                    ...complete.filter((r) => r.name !== "pol"),
                    child("aws:s3/bucketPolicy:BucketPolicy", "pol", { policy: "{}" }),
                ]),
                /TLS-only/,
            );
        });
    });
    it("security-group-open-ingress across the three ways to write a rule", async () => {
        expectNone(
            await check(securityGroupOpenIngress, {
                type: "aws:ec2/securityGroup:SecurityGroup",
                name: "sg",
                props: { ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["10.0.0.0/8"] }] },
            }),
        );
        expectViolations(
            await check(securityGroupOpenIngress, {
                type: "aws:ec2/securityGroup:SecurityGroup",
                name: "sg",
                props: { ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] },
            }),
            /ports 22-22/,
        );
        expectViolations(
            await check(securityGroupOpenIngress, {
                type: "aws:ec2/securityGroupRule:SecurityGroupRule",
                name: "r",
                props: { type: "ingress", ipv6CidrBlocks: ["::/0"] },
            }),
        );
        expectNone(
            await check(securityGroupOpenIngress, {
                type: "aws:ec2/securityGroupRule:SecurityGroupRule",
                name: "r",
                props: { type: "egress", cidrBlocks: ["0.0.0.0/0"] },
            }),
        );
        expectViolations(
            await check(securityGroupOpenIngress, {
                type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                name: "r",
                props: { cidrIpv4: "0.0.0.0/0" },
            }),
        );
        expectViolations(
            await check(securityGroupOpenIngress, {
                type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
                name: "d",
                props: { ingress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }] },
            }),
        );
        expectNone(
            await check(securityGroupOpenIngress, {
                type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
                name: "d",
                props: { vpcId: "vpc-1" },
            }),
        );
    });
    it("imdsv2-required on launch templates and instances", async () => {
        expectNone(
            await check(imdsv2, {
                type: "aws:ec2/launchTemplate:LaunchTemplate",
                name: "lt",
                props: { metadataOptions: { httpTokens: "required" } },
            }),
        );
        expectViolations(await check(imdsv2, { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "lt", props: {} }), /IMDSv1/);
        expectViolations(
            await check(imdsv2, { type: "aws:ec2/instance:Instance", name: "i", props: { metadataOptions: { httpTokens: "optional" } } }),
        );
    });
    it("iam-no-admin-wildcard flags Action * on Resource *, as string or object", async () => {
        const admin = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
        expectViolations(
            await check(iamNoAdminWildcard, { type: "aws:iam/policy:Policy", name: "p", props: { policy: JSON.stringify(admin) } }),
            /Statement\[0\]/,
        );
        expectViolations(
            await check(iamNoAdminWildcard, {
                type: "aws:iam/rolePolicy:RolePolicy",
                name: "p",
                props: { policy: { Statement: { Effect: "Allow", Action: ["*:*"], Resource: ["*"] } } },
            }),
        );
        expectNone(
            await check(iamNoAdminWildcard, {
                type: "aws:iam/policy:Policy",
                name: "p",
                props: {
                    policy: JSON.stringify({
                        Statement: [
                            { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
                            { Effect: "Deny", Action: "*", Resource: "*" },
                        ],
                    }),
                },
            }),
        );
    });
});
