// DynamoDB, EFS, OpenSearch (and its legacy Elasticsearch resource) and Redshift.
import type * as aws from "@pulumi/aws";
import { dynamodbEncryption } from "../../../../policy-pack/policies/aws/dynamodb-encryption";
import { dynamodbPointInTimeRecovery } from "../../../../policy-pack/policies/aws/dynamodb-point-in-time-recovery";
import { efsEncrypted } from "../../../../policy-pack/policies/aws/efs-encrypted";
import { opensearchEncryptedAtRest } from "../../../../policy-pack/policies/aws/opensearch-encrypted-at-rest";
import { opensearchInVpc } from "../../../../policy-pack/policies/aws/opensearch-in-vpc";
import { opensearchNodeToNodeEncryption } from "../../../../policy-pack/policies/aws/opensearch-node-to-node-encryption";
import { redshiftEncrypted } from "../../../../policy-pack/policies/aws/redshift-encrypted";
import { redshiftNotPublic } from "../../../../policy-pack/policies/aws/redshift-not-public";
import { check, expectNone, expectViolations } from "../../helpers";

const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

describe("aws data store policies", () => {
    const table = (props: aws.dynamodb.TableArgs) => ({ type: "aws:dynamodb/table:Table", name: "t", props });
    const keys: aws.dynamodb.TableArgs = { hashKey: "id", attributes: [{ name: "id", type: "S" }], billingMode: "PAY_PER_REQUEST" };

    it("aws:dynamodb-encryption: a KMS key of the account, customer-managed where configured", async () => {
        expectNone(
            await check(dynamodbEncryption, table({ ...keys, serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN } }), {
                requireCustomerManagedKey: true,
            }),
        );
        expectNone(await check(dynamodbEncryption, table({ ...keys, serverSideEncryption: { enabled: true } })));
        expectViolations(await check(dynamodbEncryption, table(keys)), /AWS owned key only/);
        expectViolations(
            await check(dynamodbEncryption, table({ ...keys, serverSideEncryption: { enabled: false } })),
            /AWS owned key only/,
        );
        expectViolations(
            await check(dynamodbEncryption, table({ ...keys, serverSideEncryption: { enabled: true } }), {
                requireCustomerManagedKey: true,
            }),
            /AWS managed key aws\/dynamodb/,
        );
    });

    it("aws:dynamodb-point-in-time-recovery", async () => {
        expectNone(await check(dynamodbPointInTimeRecovery, table({ ...keys, pointInTimeRecovery: { enabled: true } })));
        expectViolations(await check(dynamodbPointInTimeRecovery, table(keys)), /pointInTimeRecovery\.enabled is not true/);
        expectViolations(await check(dynamodbPointInTimeRecovery, table({ ...keys, pointInTimeRecovery: { enabled: false } })));
    });

    it("aws:efs-encrypted", async () => {
        const fs = (props: aws.efs.FileSystemArgs) => ({ type: "aws:efs/fileSystem:FileSystem", name: "fs", props });
        expectNone(await check(efsEncrypted, fs({ encrypted: true, kmsKeyId: KEY_ARN }), { requireCustomerManagedKey: true }));
        expectNone(await check(efsEncrypted, fs({ encrypted: true })));
        expectViolations(await check(efsEncrypted, fs({ creationToken: "data" })), /encrypted is not true/);
        expectViolations(await check(efsEncrypted, fs({ encrypted: true }), { requireCustomerManagedKey: true }), /aws\/elasticfilesystem/);
    });

    describe("OpenSearch and Elasticsearch domains", () => {
        const secure: aws.opensearch.DomainArgs = {
            engineVersion: "OpenSearch_2.13",
            encryptAtRest: { enabled: true, kmsKeyId: KEY_ARN },
            nodeToNodeEncryption: { enabled: true },
            vpcOptions: { subnetIds: ["subnet-1", "subnet-2"], securityGroupIds: ["sg-1"] },
            domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" },
        };
        const legacy: aws.elasticsearch.DomainArgs = {
            elasticsearchVersion: "7.10",
            encryptAtRest: { enabled: true },
            nodeToNodeEncryption: { enabled: true },
            vpcOptions: { subnetIds: ["subnet-1"] },
        };
        const domains = [
            { type: "aws:opensearch/domain:Domain", props: secure as Record<string, unknown> },
            { type: "aws:elasticsearch/domain:Domain", props: legacy as Record<string, unknown> },
        ];

        it("pass when encrypted at rest, in a VPC, with node-to-node TLS", async () => {
            for (const { type, props } of domains) {
                for (const policy of [opensearchEncryptedAtRest, opensearchInVpc, opensearchNodeToNodeEncryption])
                    expectNone(await check(policy, { type, name: "d", props }));
            }
        });

        it("name what each domain lacks", async () => {
            for (const { type, props } of domains) {
                const without = (key: string, value: unknown) => ({ type, name: "d", props: { ...props, [key]: value } });
                expectViolations(
                    await check(opensearchEncryptedAtRest, without("encryptAtRest", { enabled: false })),
                    /encryptAtRest\.enabled is not true/,
                );
                expectViolations(await check(opensearchEncryptedAtRest, without("encryptAtRest", undefined)), /encryptAtRest/);
                expectViolations(await check(opensearchInVpc, without("vpcOptions", undefined)), /public endpoint/);
                expectViolations(await check(opensearchInVpc, without("vpcOptions", { subnetIds: [] })), /public endpoint/);
                expectViolations(
                    await check(opensearchNodeToNodeEncryption, without("nodeToNodeEncryption", { enabled: false })),
                    /nodeToNodeEncryption\.enabled is not true/,
                );
            }
        });
    });

    it("aws:redshift-not-public and aws:redshift-encrypted (encrypted is a string in @pulumi/aws 7, true by default)", async () => {
        const cluster = (props: aws.redshift.ClusterArgs) => ({ type: "aws:redshift/cluster:Cluster", name: "rs", props });
        const base: aws.redshift.ClusterArgs = { clusterIdentifier: "analytics", nodeType: "ra3.xlplus", manageMasterPassword: true };
        expectNone(await check(redshiftNotPublic, cluster(base)));
        expectNone(await check(redshiftNotPublic, cluster({ ...base, publiclyAccessible: false })));
        expectViolations(await check(redshiftNotPublic, cluster({ ...base, publiclyAccessible: true })), /publiclyAccessible is true/);
        expectNone(await check(redshiftEncrypted, cluster(base)));
        expectNone(await check(redshiftEncrypted, cluster({ ...base, encrypted: "true", kmsKeyId: KEY_ARN })));
        expectViolations(await check(redshiftEncrypted, cluster({ ...base, encrypted: "false" })), /unencrypted/);
        // Programs written for @pulumi/aws 6 pass a boolean.
        expectViolations(
            await check(redshiftEncrypted, { type: "aws:redshift/cluster:Cluster", name: "rs", props: { ...base, encrypted: false } }),
            /unencrypted/,
        );
    });
});
