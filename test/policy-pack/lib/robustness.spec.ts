// Property-based: no policy throws, whatever props it is given, and none changes them (every path
// hands all policies one shared copy of a resource's properties).
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { settingsFor } from "../../../policy-pack/lib/config";
import { runResourceCheck, runStackCheck } from "../../../policy-pack/lib/evaluate";
import type { Resource } from "../../../policy-pack/lib/types";
import { allPolicies } from "../../../policy-pack/policies";
import { POD_KINDS } from "../helpers";

const { unknownStringValue, unknownArrayValue, unknownObjectValue } = require("@pulumi/policy/proxy") as Record<string, string>;

// Leaves that policies compare against, plus the engine's unknown sentinels.
const leaf = fc.oneof(
    fc.constantFrom<unknown>(
        true,
        false,
        0,
        1000,
        -1,
        null,
        "",
        "*",
        "ALL",
        "Unconfined",
        "RuntimeDefault",
        "0.0.0.0/0",
        "sys/*",
        "latest",
        "STRICT",
        "PERMISSIVE",
        unknownStringValue,
        unknownArrayValue,
        unknownObjectValue,
    ),
    fc.string(),
    fc.integer(),
    fc.double(),
);
const value = fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc.array(tie("v"), { maxLength: 4 }),
        fc.dictionary(
            fc.constantFrom(
                "spec",
                "template",
                "metadata",
                "containers",
                "securityContext",
                "capabilities",
                "add",
                "drop",
                "rules",
                "policy",
                "values",
                "vpcConfig",
                "ingress",
                "mtls",
                "type",
                "name",
                "image",
                fc.string() as never,
            ),
            tie("v"),
            { maxKeys: 5 },
        ),
    ),
})).v;

const TYPES = [
    ...POD_KINDS.map((k) => k.type),
    "kubernetes:core/v1:Service",
    "kubernetes:core/v1:ConfigMap",
    "kubernetes:core/v1:ServiceAccount",
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    "kubernetes:core/v1:Namespace",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    "kubernetes:security.istio.io/v1:PeerAuthentication",
    "kubernetes:security.istio.io/v1:AuthorizationPolicy",
    "kubernetes:networking.istio.io/v1:DestinationRule",
    "vault:index/policy:Policy",
    "vault:kubernetes/authBackendRole:AuthBackendRole",
    "vault:transit/secretBackendKey:SecretBackendKey",
    "vault:database/secretsMount:SecretsMount",
    "vault:database/secretBackendConnection:SecretBackendConnection",
    "vault:database/secretBackendStaticRole:SecretBackendStaticRole",
    "vault:generic/endpoint:Endpoint",
    "vault:index/audit:Audit",
    "aws:eks/cluster:Cluster",
    "aws:kms/key:Key",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:iam/policy:Policy",
    "kubernetes:helm.sh/v3:Release",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketVersioning:BucketVersioning",
    "kubernetes:helm.sh/v4:Chart",
    "kubernetes:core/v1:LimitRange",
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
    "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
    "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
];
const resource = fc
    .record({
        type: fc.constantFrom(...TYPES),
        name: fc.string({ minLength: 1 }),
        props: fc.dictionary(fc.string(), value, { maxKeys: 6 }),
    })
    .map((r): Resource => ({ ...r, urn: `urn:pulumi:s::p::${r.type}::${r.name}`, dependencies: [] }));

// What a policy could change, as text (NaN and Infinity kept apart from null).
const snapshot = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "number" && !Number.isFinite(x) ? String(x) : x));

describe("robustness: no policy throws on arbitrary props", () => {
    for (const policy of allPolicies) {
        it(policy.name, async () => {
            const config = settingsFor(policy, {}).own;
            await fc.assert(
                fc.asyncProperty(fc.array(resource, { minLength: 1, maxLength: 4 }), async (resources) => {
                    const given = snapshot(resources);
                    for (const r of resources) {
                        const outcome =
                            policy.kind === "resource"
                                ? await runResourceCheck(policy, r, config)
                                : await runStackCheck(policy, resources, config);
                        assert.equal(outcome.error, undefined);
                    }
                    assert.equal(snapshot(resources), given, "the policy left the properties as it was given them");
                }),
                { numRuns: policy.name.startsWith("vault:policy") ? 40 : 120 },
            );
        });
    }
});
