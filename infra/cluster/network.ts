import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { document, serviceTrust } from "./iam-documents";

export interface ClusterNetworkArgs {
    clusterName: string;
    cidr: string;
    privateSubnetCidrs: string[];
    publicSubnetCidrs: string[];
    /** One NAT gateway per zone survives the loss of a zone; one in all costs less. */
    natGatewayPerZone: boolean;
    flowLogs: boolean;
    /** Adopt these instead of creating a VPC: the network stack's, where the deploy runners live. */
    existing?: { vpcId: string; privateSubnetIds: string[] };
    logRetentionDays: number;
    logKeyArn: pulumi.Input<string>;
    protect: boolean;
}

/**
 * The VPC: nodes in private subnets that reach out through NAT, public subnets only for NAT gateways and
 * internet-facing load balancers, the default security group emptied, and VPC flow logs kept encrypted.
 * Or, with `existing`, the network stack's VPC and private subnets, adopted: only tagged for internal load
 * balancers and given this stack's flow log; the network stack keeps owning routes, NAT and its runners.
 */
export class ClusterNetwork extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly cidr: string;
    readonly privateSubnetIds: pulumi.Output<string>[];
    readonly publicSubnetIds: pulumi.Output<string>[];
    /**
     * What the cluster needs while it exists: the subnets (or the adopted subnets' tags) with their routes through
     * NAT. The cluster depends on them, so nodes join only once they can pull images, and on destroy every
     * Kubernetes object (load balancers, claims, uninstall hooks) is deleted while the network still works.
     */
    readonly ready: pulumi.Resource[] = [];

    constructor(name: string, args: ClusterNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-platform:cluster:ClusterNetwork", name, {}, opts);
        this.cidr = args.cidr;
        const tags = (extra: Record<string, string> = {}) => ({ "secure-platform/cluster": args.clusterName, ...extra });
        const { vpcId, privateSubnetIds, publicSubnetIds } = args.existing
            ? this.adopt(name, args.existing)
            : this.create(name, args, tags);
        if (args.flowLogs) this.flowLogs(name, args, vpcId, tags);
        this.vpcId = vpcId;
        this.privateSubnetIds = privateSubnetIds;
        this.publicSubnetIds = publicSubnetIds;
        this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds });
    }

    /**
     * The in-tree service controller places internal load balancers in subnets tagged for them; the tag is
     * this stack's, the subnet the network stack's (aws.ec2.Tag manages one tag on a resource it does not own).
     */
    private adopt(name: string, existing: { vpcId: string; privateSubnetIds: string[] }) {
        const privateSubnetIds = existing.privateSubnetIds.map((subnetId, i) => {
            const tag = new aws.ec2.Tag(
                `${name}-private-${i}-internal-elb`,
                { resourceId: subnetId, key: "kubernetes.io/role/internal-elb", value: "1" },
                { parent: this },
            );
            this.ready.push(tag);
            return tag.resourceId;
        });
        return { vpcId: pulumi.output(existing.vpcId), privateSubnetIds, publicSubnetIds: [] as pulumi.Output<string>[] };
    }

    private create(name: string, args: ClusterNetworkArgs, tags: (extra?: Record<string, string>) => Record<string, string>) {
        const parent = { parent: this };
        const zones = aws.getAvailabilityZonesOutput({ state: "available" }, parent).names;

        const vpc = new aws.ec2.Vpc(
            name,
            {
                cidrBlock: args.cidr,
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: tags({ Name: args.clusterName }),
            },
            parent,
        );

        // CIS AWS 5.4: the default security group allows nothing, so nothing falls back on it.
        new aws.ec2.DefaultSecurityGroup(`${name}-default`, { vpcId: vpc.id, tags: tags() }, parent);

        const internetGateway = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: tags() }, parent);
        const publicRoutes = new aws.ec2.RouteTable(
            `${name}-public`,
            {
                vpcId: vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id }],
                tags: tags({ Name: `${args.clusterName}-public` }),
            },
            parent,
        );

        const publicSubnetIds = args.publicSubnetCidrs.map((cidr, i) => {
            const subnet = new aws.ec2.Subnet(
                `${name}-public-${i}`,
                {
                    vpcId: vpc.id,
                    cidrBlock: cidr,
                    availabilityZone: zones[i],
                    mapPublicIpOnLaunch: false,
                    tags: tags({ Name: `${args.clusterName}-public-${i}`, "kubernetes.io/role/elb": "1" }),
                },
                parent,
            );
            this.ready.push(
                new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, parent),
            );
            return subnet.id;
        });

        const natCount = args.natGatewayPerZone ? args.publicSubnetCidrs.length : 1;
        const natGateways = publicSubnetIds.slice(0, natCount).map((subnetId, i) => {
            const address = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: tags() }, parent);
            return new aws.ec2.NatGateway(
                `${name}-${i}`,
                { allocationId: address.id, subnetId, tags: tags() },
                { ...parent, dependsOn: [internetGateway] },
            );
        });

        const privateSubnetIds = args.privateSubnetCidrs.map((cidr, i) => {
            const subnet = new aws.ec2.Subnet(
                `${name}-private-${i}`,
                {
                    vpcId: vpc.id,
                    cidrBlock: cidr,
                    availabilityZone: zones[i],
                    tags: tags({ Name: `${args.clusterName}-private-${i}`, "kubernetes.io/role/internal-elb": "1" }),
                },
                parent,
            );
            const routes = new aws.ec2.RouteTable(
                `${name}-private-${i}`,
                {
                    vpcId: vpc.id,
                    routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: natGateways[i % natGateways.length]!.id }],
                    tags: tags({ Name: `${args.clusterName}-private-${i}` }),
                },
                parent,
            );
            this.ready.push(
                new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, parent),
            );
            return subnet.id;
        });
        return { vpcId: vpc.id, privateSubnetIds, publicSubnetIds };
    }

    private flowLogs(
        name: string,
        args: ClusterNetworkArgs,
        vpcId: pulumi.Input<string>,
        tags: (extra?: Record<string, string>) => Record<string, string>,
    ) {
        const parent = { parent: this };
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-flow-logs`,
            {
                name: `/aws/vpc/${args.clusterName}/flow-logs`,
                retentionInDays: args.logRetentionDays,
                kmsKeyId: args.logKeyArn,
                tags: tags(),
            },
            { ...parent, protect: args.protect },
        );
        const role = new aws.iam.Role(
            `${name}-flow-logs`,
            {
                assumeRolePolicy: JSON.stringify(serviceTrust("vpc-flow-logs.amazonaws.com")),
                tags: tags(),
            },
            parent,
        );
        new aws.iam.RolePolicy(
            `${name}-flow-logs`,
            {
                role: role.id,
                policy: logGroup.arn.apply((arn) =>
                    JSON.stringify(
                        document({
                            Effect: "Allow",
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                            Resource: [arn, `${arn}:*`],
                        }),
                    ),
                ),
            },
            parent,
        );
        new aws.ec2.FlowLog(
            name,
            {
                vpcId,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: logGroup.arn,
                iamRoleArn: role.arn,
                tags: tags(),
            },
            parent,
        );
    }
}
