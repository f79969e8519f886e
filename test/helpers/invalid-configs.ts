// Invalid stack configurations, each a single change to a valid stack file's config, and the key
// the error must name. Shared by the config tests and the reliability bench.

type Raw = Record<string, any>;

export interface InvalidConfigCase {
    title: string;
    stack?: string;
    mutate(raw: Raw): void;
    /** The key the message must name, and a fragment of what it says. */
    key: string;
    says?: RegExp;
}

export const INVALID_CONFIG_CASES: InvalidConfigCase[] = [
    {
        title: "unknown environment",
        mutate: (c) => {
            c.environment = "production";
        },
        key: "secure-platform:environment",
        says: /local, dev, staging, prod/,
    },
    {
        title: "unknown cluster mode",
        mutate: (c) => {
            c.cluster.mode = "gke";
        },
        key: "secure-platform:cluster.mode",
    },
    {
        title: "cluster name not a DNS label",
        mutate: (c) => {
            c.cluster.name = "Platform_Prod";
        },
        key: "secure-platform:cluster.name",
        says: /DNS-1123/,
    },
    {
        title: "region that is not an AWS region",
        mutate: (c) => {
            c.cluster.region = "europe";
        },
        key: "secure-platform:cluster.region",
        says: /eu-west-1/,
    },
    {
        title: "Kubernetes older than 1.30",
        mutate: (c) => {
            c.cluster.kubernetesVersion = "1.27";
        },
        key: "secure-platform:cluster.kubernetesVersion",
        says: /1\.30/,
    },
    {
        title: "Kubernetes newer than the versions the pack's Pod Security models",
        mutate: (c) => {
            c.cluster.kubernetesVersion = "1.37";
        },
        key: "secure-platform:cluster.kubernetesVersion",
        says: /1\.30, 1\.31, .*1\.36/,
    },
    {
        title: "Kubernetes version as a YAML number",
        mutate: (c) => {
            c.cluster.kubernetesVersion = 1.33;
        },
        key: "secure-platform:cluster.kubernetesVersion",
        says: /got 1\.33/,
    },
    {
        title: "CIDR that does not parse",
        mutate: (c) => {
            c.cluster.vpc.cidr = "10.0.0.0/33";
        },
        key: "secure-platform:cluster.vpc.cidr",
        says: /CIDR/,
    },
    {
        title: "CIDR with a shorthand address",
        mutate: (c) => {
            c.cluster.vpc.cidr = "10.30.0/16";
        },
        key: "secure-platform:cluster.vpc.cidr",
        says: /CIDR/,
    },
    {
        title: "CIDR with host bits set",
        mutate: (c) => {
            c.cluster.vpc.cidr = "10.30.1.0/16";
        },
        key: "secure-platform:cluster.vpc.cidr",
        says: /network address/,
    },
    {
        title: "private subnet outside the VPC",
        mutate: (c) => {
            c.cluster.vpc.privateSubnetCidrs[0] = "10.99.0.0/19";
        },
        key: "secure-platform:cluster.vpc.privateSubnetCidrs[0]",
        says: /inside the VPC/,
    },
    {
        title: "overlapping subnets",
        mutate: (c) => {
            c.cluster.vpc.publicSubnetCidrs[0] = "10.30.0.0/22";
        },
        key: "secure-platform:cluster.vpc.publicSubnetCidrs[0]",
        says: /overlaps 10\.30\.0\.0\/19/,
    },
    {
        title: "a single private subnet",
        mutate: (c) => {
            c.cluster.vpc.privateSubnetCidrs = ["10.30.0.0/19"];
        },
        key: "secure-platform:cluster.vpc.privateSubnetCidrs",
        says: /two private subnets/,
    },
    {
        title: "fewer public than private subnets",
        mutate: (c) => {
            c.cluster.vpc.publicSubnetCidrs.pop();
        },
        key: "secure-platform:cluster.vpc.publicSubnetCidrs",
        says: /one public subnet/,
    },
    {
        title: "service CIDR inside the VPC",
        mutate: (c) => {
            c.cluster.serviceCidr = "10.30.192.0/20";
        },
        key: "secure-platform:cluster.serviceCidr",
        says: /overlaps the VPC/,
    },
    {
        title: "public endpoint without an allowlist",
        mutate: (c) => {
            c.cluster.endpoint = { publicAccess: true };
        },
        key: "secure-platform:cluster.endpoint.publicAccessCidrs",
        says: /0\.0\.0\.0\/0/,
    },
    {
        title: "public endpoint open to the internet",
        mutate: (c) => {
            c.cluster.endpoint.publicAccessCidrs = ["0.0.0.0/0"];
        },
        key: "secure-platform:cluster.endpoint.publicAccessCidrs[0]",
        says: /whole internet/,
    },
    {
        title: "allowlist with the endpoint private",
        mutate: (c) => {
            c.cluster.endpoint.publicAccess = false;
        },
        key: "secure-platform:cluster.endpoint.publicAccessCidrs",
        says: /publicAccess is false/,
    },
    {
        title: "log retention CloudWatch does not offer",
        mutate: (c) => {
            c.cluster.logRetentionDays = 100;
        },
        key: "secure-platform:cluster.logRetentionDays",
        says: /365/,
    },
    {
        title: "KMS deletion window below 7 days",
        mutate: (c) => {
            c.cluster.kmsDeletionWindowDays = 3;
        },
        key: "secure-platform:cluster.kmsDeletionWindowDays",
    },
    {
        title: "node group minSize above desiredSize",
        mutate: (c) => {
            c.cluster.nodeGroups[0].minSize = 5;
        },
        key: "secure-platform:cluster.nodeGroups[0].minSize",
        says: /at most desiredSize/,
    },
    {
        title: "node group desiredSize above maxSize",
        mutate: (c) => {
            c.cluster.nodeGroups[1].desiredSize = 30;
        },
        key: "secure-platform:cluster.nodeGroups[1].desiredSize",
        says: /at most maxSize \(24\)/,
    },
    {
        title: "too few nodes for prod",
        mutate: (c) => {
            c.cluster.nodeGroups = [{ ...c.cluster.nodeGroups[0], minSize: 1, desiredSize: 1 }];
        },
        key: "secure-platform:cluster.nodeGroups",
        says: /at least 3 nodes/,
    },
    {
        title: "duplicate node group names",
        mutate: (c) => {
            c.cluster.nodeGroups[1].name = "system";
        },
        key: "secure-platform:cluster.nodeGroups[1].name",
        says: /unique/,
    },
    {
        title: "instance type that is not one",
        mutate: (c) => {
            c.cluster.nodeGroups[0].instanceTypes = ["large"];
        },
        key: "secure-platform:cluster.nodeGroups[0].instanceTypes[0]",
    },
    {
        title: "no cluster-admin access entry",
        mutate: (c) => {
            c.cluster.accessEntries = c.cluster.accessEntries.filter((e: Raw) => e.access !== "cluster-admin");
        },
        key: "secure-platform:cluster.accessEntries",
        says: /cluster-admin/,
    },
    {
        title: "principal that is not an IAM ARN",
        mutate: (c) => {
            c.cluster.accessEntries[1].principalArn = "sre-oncall";
        },
        key: "secure-platform:cluster.accessEntries[1].principalArn",
        says: /IAM role or user ARN/,
    },
    {
        title: "cluster-admin narrowed to namespaces",
        mutate: (c) => {
            c.cluster.accessEntries[0].namespaces = ["shop"];
        },
        key: "secure-platform:cluster.accessEntries[0].namespaces",
    },
    {
        title: "misspelt cluster key",
        mutate: (c) => {
            c.cluster.nodegroups = c.cluster.nodeGroups;
        },
        key: "secure-platform:cluster.nodegroups",
        says: /not a known key/,
    },
    {
        title: "misspelt top-level key",
        mutate: (c) => {
            c.namespace = [];
        },
        key: "secure-platform:namespace",
        says: /not a known key/,
    },
    {
        title: "missing cluster",
        mutate: (c) => {
            delete c.cluster;
        },
        key: "secure-platform:cluster",
    },
    {
        title: "existing cluster outside local",
        mutate: (c) => {
            c.cluster = { mode: "existing", name: "x", context: "kind-x", kubernetesVersion: "1.33" };
        },
        key: "secure-platform:cluster.mode",
        says: /local environment/,
    },
    {
        title: "system namespace as an application namespace",
        mutate: (c) => {
            c.namespaces[0].name = "kube-system";
        },
        key: "secure-platform:namespaces[0].name",
        says: /system namespace/,
    },
    {
        title: "baseline namespace without a reason",
        mutate: (c) => {
            c.namespaces[0].podSecurity = "baseline";
        },
        key: "secure-platform:namespaces[0].podSecurityReason",
        says: /why/,
    },
    {
        title: "privileged namespace",
        mutate: (c) => {
            c.namespaces[0].podSecurity = "privileged";
        },
        key: "secure-platform:namespaces[0].podSecurity",
    },
    {
        title: "namespace declared twice",
        mutate: (c) => {
            c.namespaces[1].name = c.namespaces[0].name;
        },
        key: "secure-platform:namespaces[1].name",
        says: /twice/,
    },
    {
        title: "quota requests above limits",
        mutate: (c) => {
            c.namespaces[0].quota.requestsCpu = "64";
        },
        key: "secure-platform:namespaces[0].quota.requestsCpu",
        says: /limitsCpu/,
    },
    {
        title: "quantity that is not one",
        mutate: (c) => {
            c.namespaces[0].quota.limitsMemory = "lots";
        },
        key: "secure-platform:namespaces[0].quota.limitsMemory",
        says: /quantity/,
    },
    {
        title: "container default larger than the quota",
        mutate: (c) => {
            c.namespaces[1].containerDefaults = { cpuLimit: "64" };
        },
        key: "secure-platform:namespaces[1].containerDefaults.cpuLimit",
        says: /quota/,
    },
    {
        title: "service in an undeclared namespace",
        mutate: (c) => {
            c.services = [{ name: "api", namespace: "billing", ports: [{ name: "http", port: 8080 }] }];
        },
        key: "secure-platform:services[0].namespace",
        says: /not declared under namespaces/,
    },
    {
        title: "caller that names no declared service",
        mutate: (c) => {
            c.services = [{ name: "api", namespace: "shop", ports: [{ name: "http", port: 8080 }], callers: ["payments/ghost"] }];
        },
        key: "secure-platform:services[0].callers[0]",
        says: /payments\/ghost/,
    },
    {
        title: "wildcard Kubernetes API access",
        mutate: (c) => {
            c.services = [
                {
                    name: "api",
                    namespace: "shop",
                    ports: [{ name: "http", port: 8080 }],
                    kubernetesApi: [{ apiGroups: [""], resources: ["*"], verbs: ["get"] }],
                },
            ];
        },
        key: "secure-platform:services[0].kubernetesApi[0].resources[0]",
        says: /'\*' is not allowed/,
    },
    {
        title: "API access from the whole internet",
        stack: "dev",
        mutate: (c) => {
            c.cluster.apiAccessCidrs = ["0.0.0.0/0"];
        },
        key: "secure-platform:cluster.apiAccessCidrs[0]",
        says: /runners' subnets/,
    },
    {
        title: "private endpoint that nothing may reach",
        stack: "dev",
        mutate: (c) => {
            delete c.cluster.apiAccessCidrs;
        },
        key: "secure-platform:cluster.apiAccessCidrs",
        says: /the endpoint is private/,
    },
    {
        title: "preview principal that is a user, not a role",
        stack: "dev",
        mutate: (c) => {
            c.cluster.previewRoleArn = "arn:aws:iam::111122223333:user/ci";
        },
        key: "secure-platform:cluster.previewRoleArn",
        says: /IAM role ARN/,
    },
    {
        title: "preview role that already has an access entry",
        stack: "dev",
        mutate: (c) => {
            c.cluster.previewRoleArn = c.cluster.accessEntries[0].principalArn;
        },
        key: "secure-platform:cluster.previewRoleArn",
        says: /also in accessEntries/,
    },
    {
        title: "adopted VPC with public subnets of its own",
        stack: "dev",
        mutate: (c) => {
            c.cluster.vpc.publicSubnetCidrs = ["10.10.128.0/22", "10.10.132.0/22"];
        },
        key: "secure-platform:cluster.vpc.publicSubnetCidrs",
        says: /network stack/,
    },
    {
        title: "adopted subnets that do not match the declared ranges",
        stack: "dev",
        mutate: (c) => {
            c.cluster.vpc.existing.privateSubnetIds.push("subnet-0f1e2d3c4b5a69788");
        },
        key: "secure-platform:cluster.vpc.existing.privateSubnetIds",
        says: /one subnet per range/,
    },
    {
        title: "adopted VPC id that is not one",
        stack: "dev",
        mutate: (c) => {
            c.cluster.vpc.existing.vpcId = "my-vpc";
        },
        key: "secure-platform:cluster.vpc.existing.vpcId",
        says: /vpc-0123456789abcdef0/,
    },
    {
        title: "ingress to a port the service does not declare",
        mutate: (c) => {
            c.services = [
                {
                    name: "api",
                    namespace: "shop",
                    ports: [{ name: "http", port: 8080 }],
                    ingress: [{ hosts: ["api.example.com"], port: 80, tlsSecret: "api-tls" }],
                },
            ];
        },
        key: "secure-platform:services[0].ingress[0].port",
        says: /not a declared port of shop\/api \(declared: 8080\)/,
    },
    {
        title: "ingress to a TCP port",
        mutate: (c) => {
            c.services = [
                {
                    name: "db",
                    namespace: "shop",
                    ports: [{ name: "tcp", port: 5432, protocol: "TCP" }],
                    ingress: [{ hosts: ["db.example.com"], port: 5432, tlsSecret: "db-tls" }],
                },
            ];
        },
        key: "secure-platform:services[0].ingress[0].port",
        says: /routes HTTP, HTTP2, GRPC only/,
    },
    {
        title: "one public host for two services",
        mutate: (c) => {
            const exposed = (name: string) => ({
                name,
                namespace: "shop",
                ports: [{ name: "http", port: 8080 }],
                ingress: [{ hosts: ["shop.example.com"], port: 8080, tlsSecret: `${name}-tls` }],
            });
            c.services = [exposed("web"), exposed("api")];
        },
        key: "secure-platform:services[1].ingress[0].hosts[0]",
        says: /also served for shop\/web/,
    },
    {
        title: "wildcard public host",
        mutate: (c) => {
            c.services = [
                {
                    name: "api",
                    namespace: "shop",
                    ports: [{ name: "http", port: 8080 }],
                    ingress: [{ hosts: ["*.example.com"], port: 8080, tlsSecret: "api-tls" }],
                },
            ];
        },
        key: "secure-platform:services[0].ingress[0].hosts[0]",
        says: /no wildcard/,
    },
];
