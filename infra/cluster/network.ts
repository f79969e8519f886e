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
    logRetentionDays: number;
    logKeyArn: pulumi.Input<string>;
    protect: boolean;
}

/**
 * The VPC: nodes in private subnets that reach out through NAT, public subnets only for NAT gateways and
 * internet-facing load balancers, the default security group emptied, and VPC flow logs kept encrypted.
 */
export class ClusterNetwork extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly privateSubnetIds: pulumi.Output<string>[];
    readonly publicSubnetIds: pulumi.Output<string>[];

    constructor(name: string, args: ClusterNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("secure-platform:cluster:ClusterNetwork", name, {}, opts);
        const parent = { parent: this };
        const tags = (extra: Record<string, string> = {}) => ({ "secure-platform/cluster": args.clusterName, ...extra });
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

        this.publicSubnetIds = args.publicSubnetCidrs.map((cidr, i) => {
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
            new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, parent);
            return subnet.id;
        });

        const natCount = args.natGatewayPerZone ? args.publicSubnetCidrs.length : 1;
        const natGateways = this.publicSubnetIds.slice(0, natCount).map((subnetId, i) => {
            const address = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: tags() }, parent);
            return new aws.ec2.NatGateway(
                `${name}-${i}`,
                { allocationId: address.id, subnetId, tags: tags() },
                { ...parent, dependsOn: [internetGateway] },
            );
        });

        this.privateSubnetIds = args.privateSubnetCidrs.map((cidr, i) => {
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
            new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, parent);
            return subnet.id;
        });

        if (args.flowLogs) {
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
                    vpcId: vpc.id,
                    trafficType: "ALL",
                    logDestinationType: "cloud-watch-logs",
                    logDestination: logGroup.arn,
                    iamRoleArn: role.arn,
                    tags: tags(),
                },
                parent,
            );
        }

        this.vpcId = vpc.id;
        this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds });
    }
}
