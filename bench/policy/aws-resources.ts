// Generated AWS resources in the shapes @pulumi/aws 7 programs send the engine: the types AWSGuard
// judges, the types the pack judges, and the network plumbing neither judges, in equal shares. Every
// other resource of a type is non-compliant somewhere, so that both packs have violations to report.
import type { ResourceInput } from "../../policy-pack/lib/evaluate";

const tags = (i: number) => ({
    Environment: i % 3 === 0 ? "prod" : "dev",
    Team: `team-${i % 20}`,
    CostCenter: "4711",
    Owner: "sre@example.com",
});
const kms = (i: number) => `arn:aws:kms:eu-west-1:123456789012:key/${String(i).padStart(8, "0")}-1111-2222-3333-444455556666`;

type Make = (i: number, bad: boolean) => Record<string, unknown>;

const SHAPES: [string, Make][] = [
    [
        "aws:ec2/instance:Instance",
        (i, bad) => ({
            ami: "ami-0c1c30571d2dae5c9",
            instanceType: "m6i.large",
            subnetId: `subnet-${i}`,
            vpcSecurityGroupIds: [`sg-${i}`],
            associatePublicIpAddress: bad,
            monitoring: !bad,
            metadataOptions: { httpTokens: bad ? "optional" : "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
            rootBlockDevice: { encrypted: !bad, volumeSize: 50, volumeType: "gp3", ...(bad ? {} : { kmsKeyId: kms(i) }) },
            ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: !bad, volumeSize: 200, volumeType: "gp3" }],
            tags: tags(i),
        }),
    ],
    [
        "aws:ec2/launchTemplate:LaunchTemplate",
        (i, bad) => ({
            namePrefix: `nodes-${i}`,
            imageId: "ami-0c1c30571d2dae5c9",
            metadataOptions: { httpTokens: bad ? "optional" : "required", httpPutResponseHopLimit: 1 },
            networkInterfaces: [{ associatePublicIpAddress: bad ? "true" : "false", securityGroups: [`sg-${i}`] }],
            blockDeviceMappings: [
                { deviceName: "/dev/xvda", ebs: { encrypted: bad ? "false" : "true", volumeSize: 80, volumeType: "gp3" } },
            ],
            tagSpecifications: [{ resourceType: "instance", tags: tags(i) }],
        }),
    ],
    [
        "aws:s3/bucket:Bucket",
        (i, bad) => ({
            bucket: `data-${i}`,
            forceDestroy: false,
            ...(bad
                ? {}
                : {
                      serverSideEncryptionConfiguration: {
                          rule: {
                              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kms(i) },
                              bucketKeyEnabled: true,
                          },
                      },
                      versioning: { enabled: true },
                      logging: { targetBucket: "access-logs", targetPrefix: `data-${i}/` },
                  }),
            tags: tags(i),
        }),
    ],
    [
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        (i, bad) => ({
            bucket: `data-${i}`,
            blockPublicAcls: true,
            blockPublicPolicy: !bad,
            ignorePublicAcls: true,
            restrictPublicBuckets: !bad,
        }),
    ],
    [
        "aws:ec2/securityGroup:SecurityGroup",
        (i, bad) => ({
            name: `app-${i}`,
            description: "application tier",
            vpcId: "vpc-0a1b2c3d",
            ingress: [
                { fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: [bad ? "0.0.0.0/0" : "10.0.0.0/8"], description: "https" },
            ],
            egress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["10.0.0.0/8"] }],
            tags: tags(i),
        }),
    ],
    [
        "aws:kms/key:Key",
        (i, bad) => ({ description: `data key ${i}`, enableKeyRotation: !bad, deletionWindowInDays: bad ? 7 : 30, tags: tags(i) }),
    ],
    [
        "aws:rds/instance:Instance",
        (i, bad) => ({
            identifier: `db-${i}`,
            engine: "postgres",
            engineVersion: "16.4",
            instanceClass: "db.r6g.large",
            allocatedStorage: 100,
            storageEncrypted: !bad,
            ...(bad ? {} : { kmsKeyId: kms(i) }),
            publiclyAccessible: bad,
            backupRetentionPeriod: bad ? 0 : 7,
            multiAz: !bad,
            dbSubnetGroupName: "private",
            tags: tags(i),
        }),
    ],
    [
        "aws:dynamodb/table:Table",
        (i, bad) => ({
            name: `orders-${i}`,
            billingMode: "PAY_PER_REQUEST",
            hashKey: "id",
            attributes: [{ name: "id", type: "S" }],
            serverSideEncryption: { enabled: !bad, ...(bad ? {} : { kmsKeyArn: kms(i) }) },
            pointInTimeRecovery: { enabled: !bad },
            tags: tags(i),
        }),
    ],
    [
        "aws:efs/fileSystem:FileSystem",
        (i, bad) => ({ creationToken: `fs-${i}`, encrypted: !bad, ...(bad ? {} : { kmsKeyId: kms(i) }), tags: tags(i) }),
    ],
    [
        "aws:lb/loadBalancer:LoadBalancer",
        (i, bad) => ({
            name: `web-${i}`,
            loadBalancerType: "application",
            internal: !bad,
            subnets: ["subnet-a", "subnet-b"],
            securityGroups: [`sg-${i}`],
            dropInvalidHeaderFields: !bad,
            enableDeletionProtection: !bad,
            accessLogs: { bucket: "lb-logs", enabled: !bad },
            tags: tags(i),
        }),
    ],
    [
        "aws:iam/policy:Policy",
        (i, bad) => ({
            name: `app-${i}`,
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: bad ? "*" : ["s3:GetObject"], Resource: bad ? "*" : `arn:aws:s3:::data-${i}/*` }],
            }),
            tags: tags(i),
        }),
    ],
    [
        "aws:iam/role:Role",
        (i) => ({
            name: `app-${i}`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            tags: tags(i),
        }),
    ],
    [
        "aws:cloudwatch/logGroup:LogGroup",
        (i, bad) => ({ name: `/app/${i}`, retentionInDays: bad ? 0 : 365, ...(bad ? {} : { kmsKeyId: kms(i) }), tags: tags(i) }),
    ],
    [
        "aws:ec2/subnet:Subnet",
        (i) => ({ vpcId: "vpc-0a1b2c3d", cidrBlock: `10.${i % 256}.0.0/24`, availabilityZone: "eu-west-1a", tags: tags(i) }),
    ],
    [
        "aws:ec2/routeTable:RouteTable",
        (i) => ({ vpcId: "vpc-0a1b2c3d", routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: `nat-${i}` }], tags: tags(i) }),
    ],
    ["aws:ec2/vpc:Vpc", (i) => ({ cidrBlock: "10.0.0.0/16", enableDnsHostnames: true, enableDnsSupport: true, tags: tags(i) })],
];

export const AWS_TYPES = SHAPES.map(([type]) => type);

export function awsResources(n: number): ResourceInput[] {
    const out: ResourceInput[] = [];
    for (let i = 0; i < n; i++) {
        const [type, make] = SHAPES[i % SHAPES.length];
        const name = `r${i}`;
        out.push({ type, name, urn: `urn:pulumi:prod::shop::${type}::${name}`, props: make(i, Math.floor(i / SHAPES.length) % 2 === 1) });
    }
    return out;
}
