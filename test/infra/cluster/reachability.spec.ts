// The first run and the pull-request preview reach the API, and `pulumi destroy` takes things down in an order
// that works: over the rendered EKS stacks (their resources, inputs and dependency records) and, for what a
// chart creates, the stacks' test-chart renderings.
import { strict as assert } from "node:assert";
import { PREVIEW_GROUP } from "../../../infra/cluster/config";
import { PREVIEW_CLUSTER_ROLE } from "../../../infra/cluster/preview-access";
import { checkAdmission } from "../../../tools/charts/admission";
import { findHelm } from "../../../tools/charts/helm";
import { renderCharts } from "../../../tools/charts/render";
import type { ChartRendering } from "../../../tools/charts/types";
import { platformConfigOf } from "../../../tools/render/platform-config";
import type { RenderedResource, RenderedStack } from "../../../tools/render/render";
import { readStackFile, REPO_ROOT } from "../../../tools/render/stack-file";
import { kubernetesObjects, ofType, only, rendered, STACKS } from "../../helpers/stacks";

type Json = Record<string, any>;
const EKS_STACKS = ["dev", "staging", "prod"];
const clusterConfig = (stack: string): Json => JSON.parse(readStackFile(stack).config["secure-platform:cluster"]!);
const inputs = (r: RenderedResource): Json => r.inputs as Json;

/** Every resource the given one depends on, directly or through others (the render's dependency records). */
function dependencies(stack: RenderedStack, resource: RenderedResource): Set<string> {
    const byUrn = new Map(stack.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const visit = (urn: string) => {
        for (const dep of byUrn.get(urn)?.dependsOn ?? []) {
            if (seen.has(dep)) continue;
            seen.add(dep);
            visit(dep);
        }
    };
    visit(resource.urn);
    return seen;
}

/** Kubernetes's resource name for a kind (the plural its RBAC rules name). */
const plural = (kind: string) => {
    const lower = kind.toLowerCase();
    if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
    return lower.endsWith("s") ? `${lower}es` : `${lower}s`;
};
const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");

const chartRenderings = new Map<string, Promise<ChartRendering>>();
function chartsOf(stack: string): Promise<ChartRendering> {
    let result = chartRenderings.get(stack);
    if (!result) {
        result = (async () =>
            renderCharts(await rendered(stack), {
                helm: await findHelm(),
                chartsDir: `${REPO_ROOT}/test/charts`,
                pull: false,
                kubernetesVersion: platformConfigOf(readStackFile(stack)).cluster.kubernetesVersion,
            }))();
        chartRenderings.set(stack, result);
    }
    return result;
}

describe("infra/cluster: reachability on the first run and for previews", () => {
    for (const stackName of EKS_STACKS) {
        describe(`${stackName} stack`, () => {
            let stack: RenderedStack;
            let config: Json;
            before(async () => {
                stack = await rendered(stackName);
                config = clusterConfig(stackName);
            });

            it("admits exactly the declared API ranges to the cluster security group, on 443, and never 0.0.0.0/0", () => {
                const cluster = only(stack, "aws:eks/cluster:Cluster");
                const rules = ofType(stack, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) =>
                    r.dependsOn.includes(cluster.urn),
                );
                assert.deepEqual(rules.map((r) => inputs(r).cidrIpv4).sort(), [...(config.apiAccessCidrs ?? [])].sort());
                for (const rule of rules) {
                    assert.deepEqual([inputs(rule).ipProtocol, inputs(rule).fromPort, inputs(rule).toPort], ["tcp", 443, 443]);
                    assert.match(inputs(rule).securityGroupId, /^sg-/, "the cluster security group EKS created");
                    assert.ok(!inputs(rule).cidrIpv4.endsWith("/0"));
                }
                if (!config.endpoint?.publicAccess) assert.ok(rules.length > 0, "a private endpoint is reachable from somewhere");
            });

            it("creates no Kubernetes object before the deployer's access and the runners' route in exist", () => {
                const providers = ofType(stack, "pulumi:providers:kubernetes");
                assert.equal(providers.length, 1, "every Kubernetes resource uses the one provider");
                const deps = dependencies(stack, providers[0]!);
                const needed = [
                    ...ofType(stack, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
                    ...ofType(stack, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"),
                ];
                assert.ok(needed.length > 0);
                for (const r of needed) assert.ok(deps.has(r.urn), r.name);
            });

            it(
                stackName === "prod"
                    ? "creates its own VPC (its runners reach the public endpoint from the allowlisted egress)"
                    : "adopts the network stack's VPC and private subnets: the runners exist before the cluster",
                () => {
                    const cluster = inputs(only(stack, "aws:eks/cluster:Cluster"));
                    const existing = config.vpc.existing;
                    if (stackName === "prod") {
                        assert.equal(existing, undefined);
                        assert.equal(ofType(stack, "aws:ec2/vpc:Vpc").length, 1);
                        assert.equal(cluster.vpcConfig.endpointPublicAccess, true);
                        return;
                    }
                    assert.ok(existing, `${stackName} adopts a VPC`);
                    assert.deepEqual(ofType(stack, "aws:ec2/vpc:Vpc"), [], "no VPC created");
                    assert.deepEqual(ofType(stack, "aws:ec2/subnet:Subnet"), [], "no subnet created");
                    assert.deepEqual(ofType(stack, "aws:ec2/natGateway:NatGateway"), [], "NAT is the network stack's");
                    assert.deepEqual(cluster.vpcConfig.subnetIds, existing.privateSubnetIds);
                    const tags = ofType(stack, "aws:ec2/tag:Tag").map(inputs);
                    assert.deepEqual(
                        tags.map((t) => `${t.resourceId} ${t.key}=${t.value}`).sort(),
                        existing.privateSubnetIds.map((id: string) => `${id} kubernetes.io/role/internal-elb=1`).sort(),
                    );
                    assert.deepEqual(
                        ofType(stack, "aws:ec2/flowLog:FlowLog").map((f) => inputs(f).vpcId),
                        [existing.vpcId],
                        "this stack's flow log on the adopted VPC",
                    );
                    assert.deepEqual(stack.outputs.clusterNetwork, { vpcId: existing.vpcId, cidr: config.vpc.cidr });
                },
            );

            it("gives the preview role an access entry in the preview group, bound to the preview ClusterRole, and no EKS policy", () => {
                assert.match(config.previewRoleArn, /^arn:aws:iam::\d{12}:role\//);
                const entry = ofType(stack, "aws:eks/accessEntry:AccessEntry").find(
                    (e) => inputs(e).principalArn === config.previewRoleArn,
                )!;
                assert.ok(entry, "an access entry for the preview role");
                assert.deepEqual(inputs(entry).kubernetesGroups, [PREVIEW_GROUP]);
                assert.ok(
                    !ofType(stack, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").some(
                        (a) => inputs(a).principalArn === config.previewRoleArn,
                    ),
                    "its rights are the ClusterRole's, not an EKS access policy's",
                );
                const binding = kubernetesObjects(stack).find(
                    (o) => o.manifest.kind === "ClusterRoleBinding" && (o.manifest.metadata as Json).name === PREVIEW_CLUSTER_ROLE,
                )!.manifest as Json;
                assert.deepEqual(binding.roleRef, {
                    apiGroup: "rbac.authorization.k8s.io",
                    kind: "ClusterRole",
                    name: PREVIEW_CLUSTER_ROLE,
                });
                assert.deepEqual(binding.subjects, [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: PREVIEW_GROUP }]);
            });

            it("lets the preview dry-run every kind the program and its charts send, never delete, never a wildcard", async () => {
                const role = kubernetesObjects(stack).find(
                    (o) => o.manifest.kind === "ClusterRole" && (o.manifest.metadata as Json).name === PREVIEW_CLUSTER_ROLE,
                )!.manifest as Json;
                const rules: Json[] = role.rules;
                for (const rule of rules) {
                    assert.ok(!rule.verbs.includes("delete") && !rule.verbs.includes("deletecollection"), JSON.stringify(rule));
                    assert.ok(![...rule.verbs, ...rule.resources, ...rule.apiGroups].includes("*"), JSON.stringify(rule));
                }
                const allows = (group: string, resource: string, verb: string) =>
                    rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
                const charts = await chartsOf(stackName);
                const sent = [
                    ...kubernetesObjects(stack).map((o) => o.manifest as Json),
                    ...charts.releases.flatMap((release) => release.objects.filter((o) => !o.crd).map((o) => o.manifest as Json)),
                ];
                const kinds = new Set(sent.map((m) => `${groupOf(m.apiVersion)}/${plural(m.kind)}`));
                assert.ok(kinds.size > 20, `${kinds.size} kinds`);
                const missing = [...kinds].flatMap((kind) => {
                    const [group, resource] = kind.split("/") as [string, string];
                    return ["get", "create", "patch"].filter((verb) => !allows(group, resource, verb)).map((verb) => `${verb} ${kind}`);
                });
                assert.deepEqual(missing, []);
                // A dry run of a Role or binding is refused unless the role holds what it grants, or these.
                assert.ok(
                    allows("rbac.authorization.k8s.io", "clusterroles", "escalate") && allows("rbac.authorization.k8s.io", "roles", "bind"),
                );
            });
        });
    }
});

describe("infra/cluster: tear-down order", () => {
    for (const stackName of EKS_STACKS) {
        it(`${stackName}: every Kubernetes object (load balancers, claims, hooks) goes before the cluster, the cluster before its network`, async () => {
            const stack = await rendered(stackName);
            const provider = only(stack, "pulumi:providers:kubernetes");
            const cluster = only(stack, "aws:eks/cluster:Cluster");
            const providerDeps = dependencies(stack, provider);
            assert.ok(providerDeps.has(cluster.urn), "the provider (and so every Kubernetes resource) depends on the cluster");
            const clusterDeps = dependencies(stack, cluster);
            // The network the cluster needs while its objects are deleted: subnets, their routes, NAT, the internet gateway.
            const network = [
                ...ofType(stack, "aws:ec2/subnet:Subnet"),
                ...ofType(stack, "aws:ec2/routeTableAssociation:RouteTableAssociation"),
                ...ofType(stack, "aws:ec2/routeTable:RouteTable"),
                ...ofType(stack, "aws:ec2/natGateway:NatGateway"),
                ...ofType(stack, "aws:ec2/internetGateway:InternetGateway"),
                ...ofType(stack, "aws:ec2/tag:Tag"),
            ];
            assert.ok(network.length > 0);
            for (const r of network) assert.ok(clusterDeps.has(r.urn), `the cluster depends on ${r.type} ${r.name}`);
            // The load balancer's Service and the claims come from Releases on that provider.
            const releases = ofType(stack, "kubernetes:helm.sh/v3:Release").map((r) => inputs(r).name);
            for (const name of ["istio-ingressgateway", "vault", "kube-prometheus-stack"]) assert.ok(releases.includes(name), name);
            // Nodes join only once their subnets route out (image pulls through NAT).
            for (const group of ofType(stack, "aws:eks/nodeGroup:NodeGroup")) {
                const deps = dependencies(stack, group);
                for (const r of ofType(stack, "aws:ec2/routeTableAssociation:RouteTableAssociation"))
                    assert.ok(deps.has(r.urn), `${group.name} after ${r.name}`);
            }
        });
    }

    it("dev destroys without unprotecting anything: nothing protected, no deletion protection, a volume goes with its claim", async () => {
        const dev = await rendered("dev");
        assert.deepEqual(
            dev.resources.filter((r) => r.protect).map((r) => r.name),
            [],
        );
        assert.equal(inputs(only(dev, "aws:eks/cluster:Cluster")).deletionProtection, false);
        const storageClass = kubernetesObjects(dev).find((o) => o.manifest.kind === "StorageClass")!.manifest as Json;
        assert.equal(storageClass.reclaimPolicy, "Delete");
    });

    it("staging and prod keep their protection: the cluster, keys and log groups protected, deletion protection on, volumes retained", async () => {
        for (const stackName of ["staging", "prod"]) {
            const stack = await rendered(stackName);
            const cluster = only(stack, "aws:eks/cluster:Cluster");
            assert.equal(cluster.protect, true);
            assert.equal(inputs(cluster).deletionProtection, true);
            for (const key of ofType(stack, "aws:kms/key:Key")) assert.equal(key.protect, true, key.name);
            const storageClass = kubernetesObjects(stack).find((o) => o.manifest.kind === "StorageClass")!.manifest as Json;
            assert.equal(storageClass.reclaimPolicy, "Retain");
        }
    });

    for (const stackName of STACKS) {
        it(`${stackName}: admission judges policy-controller's uninstall hook, admits it as rendered, and would refuse it privileged`, async function () {
            this.timeout(300_000);
            const rendering = await chartsOf(stackName);
            const release = rendering.releases.find((r) => r.name === "policy-controller")!;
            const hook = release.objects.find((o) => o.manifest.kind === "Job" && o.manifest.metadata.name === "leases-cleanup")!;
            assert.deepEqual(hook.hooks, ["post-delete"]);
            const about = (findings: { subject: string }[]) => findings.filter((f) => /leases-cleanup/.test(f.subject));
            assert.deepEqual(about(checkAdmission(rendering).findings), [], "admitted as rendered");
            const privileged = structuredClone(hook.manifest) as Json;
            privileged.spec.template.spec.containers[0].securityContext = { privileged: true };
            const mutated: ChartRendering = {
                ...rendering,
                releases: rendering.releases.map((r) =>
                    r === release
                        ? { ...r, objects: r.objects.map((o) => (o === hook ? { ...o, manifest: privileged as typeof o.manifest } : o)) }
                        : r,
                ),
            };
            assert.ok(about(checkAdmission(mutated).findings).length > 0, "the hook is judged, not skipped");
        });
    }
});
