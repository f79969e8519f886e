import { strict as assert } from "node:assert";
import { checkCustomResourceSchemas } from "../../../tools/charts/crd-schemas";
import type { ChartObject, ChartRendering } from "../../../tools/charts/types";
import type { RenderedResource } from "../../../tools/render/render";

// A small CRD of the test's own, with what the charts' CRDs use: required fields, enums, int-or-string,
// preserved unknown fields, a set-typed list, defaults, nullable, CEL rules, and an unserved version.
const schema = {
    type: "object",
    properties: {
        apiVersion: { type: "string" },
        kind: { type: "string" },
        metadata: { type: "object" },
        spec: {
            type: "object",
            required: ["mode", "scope"],
            properties: {
                scope: { type: "string", default: "namespace" },
                mode: { type: "string", enum: ["STRICT", "PERMISSIVE"] },
                port: { "x-kubernetes-int-or-string": true },
                timeout: {
                    type: "string",
                    default: "1s",
                    "x-kubernetes-validations": [{ rule: "duration(self) >= duration('1ms')", message: "must be at least 1ms" }],
                },
                selector: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                labels: { type: "object", additionalProperties: { type: "string" } },
                principals: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set" },
                endpoint: { type: "string", "x-kubernetes-validations": [{ rule: "url(self).getScheme() == 'https'" }] },
                replicas: {
                    type: "integer",
                    nullable: true,
                    "x-kubernetes-validations": [{ rule: "self >= oldSelf", message: "never shrinks" }],
                },
            },
            "x-kubernetes-validations": [
                { rule: "self.mode != 'PERMISSIVE' || has(self.selector)", message: "PERMISSIVE needs a selector" },
            ],
        },
    },
};

function crd(
    group: string,
    kind: string,
    versions: { name: string; served: boolean }[],
    apiVersion = "apiextensions.k8s.io/v1",
): ChartObject {
    return {
        manifest: {
            apiVersion,
            kind: "CustomResourceDefinition",
            metadata: { name: `${kind.toLowerCase()}s.${group}` },
            spec: {
                group,
                names: { kind, plural: `${kind.toLowerCase()}s` },
                scope: "Namespaced",
                versions: versions.map((v) => ({ ...v, storage: v.served, schema: { openAPIV3Schema: schema } })),
            },
        },
        source: "test/crds/crd.yaml",
        hooks: [],
        crd: true,
    };
}

const ACCESS = crd("security.example.io", "AccessPolicy", [
    { name: "v1", served: true },
    { name: "v1alpha1", served: false },
]);

function resource(type: string, inputs: Record<string, unknown>, custom = true): RenderedResource {
    const name = (inputs.metadata as { name?: string } | undefined)?.name ?? "r";
    return {
        type,
        name,
        urn: `urn:pulumi:test::p::${type}::${name}`,
        custom,
        inputs,
        id: name,
        outputs: inputs,
        protect: false,
        dependsOn: [],
    };
}

const policy = (spec: Record<string, unknown>, version = "v1", name = "web") =>
    resource(`kubernetes:security.example.io/${version}:AccessPolicy`, {
        apiVersion: `security.example.io/${version}`,
        kind: "AccessPolicy",
        metadata: { name, namespace: "shop" },
        spec,
    });

function rendering(resources: RenderedResource[], crds: ChartObject[] = [ACCESS]): ChartRendering {
    return {
        stack: "test",
        kubernetesVersion: "1.33.0",
        program: { stack: "test", resources, outputs: {}, secretInputs: new Map() },
        releases: [
            {
                urn: "urn:pulumi:test::p::kubernetes:helm.sh/v3:Release::base",
                name: "base",
                namespace: "security",
                chart: "base",
                version: "1.0.0",
                repo: "https://charts.example.test",
                objects: crds,
            },
        ],
    };
}

const messages = (r: ChartRendering) => checkCustomResourceSchemas(r).findings.map((f) => `${f.subject}: ${f.message}`);

describe("tools/charts/crd-schemas", () => {
    it("passes a good custom resource and judges only custom kinds", () => {
        const result = checkCustomResourceSchemas(
            rendering([
                policy({
                    mode: "PERMISSIVE",
                    port: "http",
                    selector: { matchLabels: { app: "web" }, anything: 1 },
                    labels: { team: "a" },
                    principals: ["a", "b"],
                    replicas: null,
                }),
                policy({ mode: "STRICT", port: 8080, timeout: "30s" }, "v1", "api"),
                resource("kubernetes:core/v1:Namespace", { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } }),
                resource("kubernetes:networking.k8s.io/v1:NetworkPolicy", {
                    apiVersion: "networking.k8s.io/v1",
                    kind: "NetworkPolicy",
                    metadata: { name: "deny" },
                }),
                resource("kubernetes:helm.sh/v3:Release", { chart: "base" }),
            ]),
        );
        assert.deepEqual(result.findings, []);
        assert.equal(result.check, "schemas");
        assert.equal(result.judged, 2);
    });

    it("finds a wrong type, a missing required field, a value outside the enum and a repeated set item", () => {
        assert.deepEqual(
            messages(rendering([policy({ mode: "STRICTT", port: true, principals: ["a", "a"] }), policy({ port: 1 }, "v1", "api")])),
            [
                'AccessPolicy shop/web: spec.mode: must be equal to one of the allowed values ("STRICT", "PERMISSIVE")',
                "AccessPolicy shop/web: spec.port: must be an integer or a string (x-kubernetes-int-or-string)",
                "AccessPolicy shop/web: spec.principals: items must be unique (x-kubernetes-list-type: set)",
                'AccessPolicy shop/api: spec: missing required field "mode"',
            ],
        );
        assert.deepEqual(messages(rendering([policy({ mode: "STRICT", labels: { team: 7 } })])), [
            "AccessPolicy shop/web: spec.labels.team: must be string",
        ]);
    });

    it("finds a field the API server would prune, but not under preserved unknown fields", () => {
        assert.deepEqual(messages(rendering([policy({ mode: "STRICT", mtls: { mode: "STRICT" }, selector: { free: { form: true } } })])), [
            "AccessPolicy shop/web: spec.mtls: not in the schema of accesspolicys.security.example.io v1: the API server prunes it, so the object in the cluster lacks it",
        ]);
    });

    it("finds a kind no chart installs, a version the CRD lacks and a version it does not serve", () => {
        const monitor = resource("kubernetes:monitoring.example.io/v1:Monitor", {
            apiVersion: "monitoring.example.io/v1",
            kind: "Monitor",
            metadata: { name: "m", namespace: "ops" },
            spec: {},
        });
        assert.deepEqual(messages(rendering([monitor, policy({ mode: "STRICT" }, "v2"), policy({ mode: "STRICT" }, "v1alpha1", "old")])), [
            "Monitor ops/m: no chart of the stack installs a CRD for Monitor in monitoring.example.io: the API server has no such kind and the apply fails",
            "AccessPolicy shop/web: CRD accesspolicys.security.example.io (release base) has no version v2; it has v1, v1alpha1",
            "AccessPolicy shop/old: CRD accesspolicys.security.example.io (release base) does not serve v1alpha1: the apply fails",
        ]);
        // A CRD of the retired apiextensions.k8s.io/v1beta1 installs nothing on Kubernetes 1.22 and later.
        const retired = crd("security.example.io", "AccessPolicy", [{ name: "v1", served: true }], "apiextensions.k8s.io/v1beta1");
        assert.match(
            messages(rendering([policy({ mode: "STRICT" })], [retired]))[0]!,
            /no chart of the stack installs a CRD for AccessPolicy/,
        );
        // A CRD rendered as a template (not from crds/) installs the kind as well.
        assert.deepEqual(
            messages(rendering([policy({ mode: "STRICT" })], [{ ...ACCESS, crd: false, source: "base/templates/crds.yaml" }])),
            [],
        );
    });

    it("runs the CRD's CEL rules on a create: a false rule is a finding; a Kubernetes-only function is reported as not judged", () => {
        const result = checkCustomResourceSchemas(
            rendering([policy({ mode: "PERMISSIVE", timeout: "0s", endpoint: "https://example.test", replicas: 1 })]),
        );
        assert.deepEqual(
            result.findings.map((f) => f.message),
            ["spec: PERMISSIVE needs a selector", "spec.timeout: must be at least 1ms"],
        );
        assert.equal(result.notJudged.length, 1);
        assert.match(result.notJudged[0]!, /^AccessPolicy shop\/web: spec\.endpoint: url\(self\)/);
        // Defaults are applied before validation, as the API server does: scope is required but defaulted.
        assert.deepEqual(messages(rendering([policy({ mode: "STRICT" })])), []);
        assert.deepEqual(messages(rendering([policy({ mode: "STRICT", scope: 3 })])), [
            "AccessPolicy shop/web: spec.scope: must be string",
        ]);
    });

    it("judges nothing that only apply knows", () => {
        assert.deepEqual(messages(rendering([policy({ mode: "[unknown]", port: "[unknown]", timeout: "[secret]" })])), []);
    });
});
