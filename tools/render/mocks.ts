import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT_ID = "123456789012";

/** Service-linked roles the program creates or looks up, by the service they belong to. */
const SERVICE_LINKED_ROLE_NAMES: Record<string, string> = { "autoscaling.amazonaws.com": "AWSServiceRoleForAutoScaling" };

const hex = (seed: string, length: number) => createHash("sha256").update(seed).digest("hex").slice(0, length);

/** aws:eks/cluster:Cluster -> { service: "eks", kind: "cluster" } */
function awsTypeParts(type: string): { service: string; kind: string } {
    const [, module = "", resource = ""] = type.split(":");
    const service = module.split("/")[0] ?? "";
    return { service, kind: resource.charAt(0).toLowerCase() + resource.slice(1) };
}

/**
 * Outputs shaped like the providers' real ones (ARNs, ids, endpoints, the OIDC issuer), derived
 * deterministically from the resource's type and name so that renders are reproducible.
 */
export class PlatformMocks implements pulumi.runtime.Mocks {
    constructor(private readonly region: string) {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const { type, name, inputs } = args;
        const seed = `${type}::${name}`;
        const arn = (resource: string, service = awsTypeParts(type).service, region = this.region) =>
            `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${resource}`;
        const state: Record<string, unknown> = { ...inputs };

        switch (type) {
            case "aws:ec2/vpc:Vpc":
                return {
                    id: `vpc-${hex(seed, 17)}`,
                    state: { ...state, arn: arn(`vpc/vpc-${hex(seed, 17)}`), defaultSecurityGroupId: `sg-${hex(seed + "sg", 17)}` },
                };
            case "aws:ec2/subnet:Subnet":
                return { id: `subnet-${hex(seed, 17)}`, state: { ...state, arn: arn(`subnet/subnet-${hex(seed, 17)}`) } };
            case "aws:ec2/eip:Eip":
                return { id: `eipalloc-${hex(seed, 17)}`, state: { ...state, publicIp: "203.0.113.10" } };
            case "aws:ec2/natGateway:NatGateway":
                return { id: `nat-${hex(seed, 17)}`, state };
            case "aws:ec2/internetGateway:InternetGateway":
                return { id: `igw-${hex(seed, 17)}`, state };
            case "aws:ec2/routeTable:RouteTable":
                return { id: `rtb-${hex(seed, 17)}`, state };
            case "aws:ec2/launchTemplate:LaunchTemplate":
                return {
                    id: `lt-${hex(seed, 17)}`,
                    state: { ...state, latestVersion: 1, arn: arn(`launch-template/lt-${hex(seed, 17)}`) },
                };
            case "aws:kms/key:Key": {
                const keyId = `${hex(seed, 8)}-${hex(seed + 1, 4)}-${hex(seed + 2, 4)}-${hex(seed + 3, 4)}-${hex(seed + 4, 12)}`;
                return { id: keyId, state: { ...state, keyId, arn: arn(`key/${keyId}`, "kms") } };
            }
            case "aws:iam/role:Role": {
                const roleName = (inputs.name as string | undefined) ?? `${name}-${hex(seed, 7)}`;
                return {
                    id: roleName,
                    state: {
                        ...state,
                        name: roleName,
                        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${roleName}`,
                        uniqueId: `AROA${hex(seed, 17).toUpperCase()}`,
                    },
                };
            }
            case "aws:iam/serviceLinkedRole:ServiceLinkedRole": {
                // IAM names the role after the service (AWSServiceRoleFor<Service>) under aws-service-role/<service>/.
                const service = String(inputs.awsServiceName);
                const roleName = SERVICE_LINKED_ROLE_NAMES[service] ?? `AWSServiceRoleFor${hex(seed, 6)}`;
                const path = `/aws-service-role/${service}/`;
                return {
                    id: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role${path}${roleName}`,
                    state: {
                        ...state,
                        name: roleName,
                        path,
                        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role${path}${roleName}`,
                        uniqueId: `AROA${hex(seed, 17).toUpperCase()}`,
                    },
                };
            }
            case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
                const host = String(inputs.url ?? "").replace(/^https:\/\//, "");
                return { id: host, state: { ...state, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${host}` } };
            }
            case "aws:cloudwatch/logGroup:LogGroup":
                return { id: String(inputs.name ?? name), state: { ...state, arn: arn(`log-group:${inputs.name ?? name}`, "logs") } };
            case "aws:eks/cluster:Cluster": {
                const clusterName = String(inputs.name ?? name);
                const id = hex(seed, 32).toUpperCase();
                return {
                    id: clusterName,
                    state: {
                        ...state,
                        arn: arn(`cluster/${clusterName}`),
                        endpoint: `https://${id}.gr7.${this.region}.eks.amazonaws.com`,
                        certificateAuthority: { data: Buffer.from(`certificate authority of ${clusterName}`).toString("base64") },
                        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${this.region}.amazonaws.com/id/${id}` }] }],
                        vpcConfig: {
                            ...(inputs.vpcConfig as object),
                            clusterSecurityGroupId: `sg-${hex(seed + "cluster", 17)}`,
                            vpcId: `vpc-${hex(seed, 17)}`,
                        },
                        status: "ACTIVE",
                        platformVersion: "eks.1",
                    },
                };
            }
            case "aws:eks/nodeGroup:NodeGroup":
            case "aws:eks/addon:Addon":
            case "aws:eks/accessEntry:AccessEntry":
            case "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
                const { kind } = awsTypeParts(type);
                return {
                    id: `${inputs.clusterName}:${name}`,
                    state: { ...state, arn: arn(`${kind.toLowerCase()}/${inputs.clusterName}/${name}/${hex(seed, 8)}`) },
                };
            }
            case "aws:secretsmanager/secret:Secret": {
                const secretName = String(inputs.name ?? name);
                const secretArn = arn(`secret:${secretName}-${hex(seed, 6)}`);
                return { id: secretArn, state: { ...state, arn: secretArn } };
            }
            case "aws:s3/bucket:Bucket": {
                const bucket = String(inputs.bucket ?? `${name}-${hex(seed, 8)}`);
                return {
                    id: bucket,
                    state: {
                        ...state,
                        bucket,
                        arn: `arn:aws:s3:::${bucket}`,
                        bucketDomainName: `${bucket}.s3.amazonaws.com`,
                        region: this.region,
                    },
                };
            }
            default:
                break;
        }
        if (args.id && type.startsWith("kubernetes:")) return this.readKubernetesObject(type, args.id, state);
        if (type.startsWith("aws:")) {
            const { kind } = awsTypeParts(type);
            return { id: `${name}-${hex(seed, 8)}`, state: { ...state, arn: arn(`${kind}/${name}`) } };
        }
        if (type.startsWith("kubernetes:")) {
            // Objects keep the name they were given; Pulumi would add a random suffix to unnamed ones.
            const metadata = { ...((inputs.metadata as Record<string, unknown>) ?? {}) };
            metadata.name ??= name;
            const namespace = metadata.namespace ? `${metadata.namespace}/` : "";
            return { id: `${namespace}${metadata.name}`, state: { ...state, metadata: { ...metadata, uid: hex(seed, 32) } } };
        }
        return { id: `${name}-${hex(seed, 8)}`, state };
    }

    /** Objects the program reads back from the cluster (`.get`) keep their name and namespace. */
    private readKubernetesObject(type: string, id: string, state: Record<string, unknown>): { id: string; state: Record<string, unknown> } {
        const [namespace, objectName] = id.includes("/") ? id.split("/") : ["default", id];
        return { id, state: { ...state, metadata: { name: objectName, namespace, uid: hex(`${type}::${id}`, 32) } } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    accountId: MOCK_ACCOUNT_ID,
                    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/platform-deployer`,
                    userId: "AROAEXAMPLE",
                    id: MOCK_ACCOUNT_ID,
                };
            case "aws:iam/getRole:getRole": {
                // The roles a stack looks up are AWS's service-linked ones, which live under aws-service-role/.
                const name = String(args.inputs.name);
                const service = Object.entries(SERVICE_LINKED_ROLE_NAMES).find(([, role]) => role === name)?.[0];
                const path = service ? `/aws-service-role/${service}/` : "/";
                return {
                    name,
                    path,
                    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role${path}${name}`,
                    id: name,
                    uniqueId: `AROA${hex(name, 17).toUpperCase()}`,
                };
            }
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
            case "aws:index/getRegion:getRegion":
                return { name: this.region, region: this.region, id: this.region };
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return {
                    names: ["a", "b", "c"].map((zone) => `${this.region}${zone}`),
                    zoneIds: ["1", "2", "3"].map((n) => `euw1-az${n}`),
                    id: this.region,
                };
            default:
                throw new Error(`The offline render has no mock for the function ${args.token}; add one to tools/render/mocks.ts`);
        }
    }
}
