import { strict as assert } from "node:assert";
import { EKS_STORAGE_CLASS } from "../../../infra/cluster/storage-class";
import { checkStorage } from "../../../tools/charts/storage";
import type { ChartObject, ChartRendering, Manifest } from "../../../tools/charts/types";
import type { RenderedResource, RenderedStack } from "../../../tools/render/render";
import { renderedCharts } from "../../helpers/charts";
import { rendered } from "../../helpers/stacks";

const STORAGE_CLASS_TYPE = "kubernetes:storage.k8s.io/v1:StorageClass";

const object = (manifest: Manifest, hooks: string[] = []): ChartObject => ({
    manifest,
    source: `test/templates/${manifest.kind.toLowerCase()}.yaml`,
    hooks,
    crd: false,
});

/** A StatefulSet with one claim template, shaped as vault-helm renders its data claim. */
function statefulSet(storageClassName?: string): ChartObject {
    return object({
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "vault", namespace: "vault" },
        spec: {
            volumeClaimTemplates: [
                {
                    metadata: { name: "data" },
                    spec: {
                        accessModes: ["ReadWriteOnce"],
                        resources: { requests: { storage: "10Gi" } },
                        ...(storageClassName === undefined ? {} : { storageClassName }),
                    },
                },
            ],
        },
    });
}

function operatorResource(kind: "Prometheus" | "Alertmanager", storage: Record<string, unknown>): ChartObject {
    return object({ apiVersion: "monitoring.coreos.com/v1", kind, metadata: { name: "main", namespace: "monitoring" }, spec: { storage } });
}

function storageClass(name: string, isDefault: boolean): ChartObject {
    const annotations = isDefault ? { "storageclass.kubernetes.io/is-default-class": "true" } : undefined;
    return object({
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name, ...(annotations ? { annotations } : {}) },
        provisioner: "ebs.csi.aws.com",
        parameters: { encrypted: "true" },
    });
}

function programClaim(name: string, spec: Record<string, unknown>): RenderedResource {
    const type = "kubernetes:core/v1:PersistentVolumeClaim";
    return {
        type,
        name,
        urn: `urn:pulumi:test::p::${type}::${name}`,
        custom: true,
        inputs: { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name, namespace: "vault" }, spec },
        id: `vault/${name}`,
        outputs: {},
        protect: false,
        dependsOn: [],
    };
}

/** A stack's program (as rendered, or with changes) and one release of inline chart objects. */
function withCharts(program: RenderedStack, objects: ChartObject[], extraResources: RenderedResource[] = []): ChartRendering {
    return {
        stack: program.stack,
        kubernetesVersion: "1.33.0",
        program: { ...program, resources: [...program.resources, ...extraResources] },
        releases: [
            {
                urn: "urn:pulumi:test::p::kubernetes:helm.sh/v3:Release::vault",
                name: "vault",
                namespace: "vault",
                chart: "vault",
                version: "0.31.0",
                repo: "https://helm.releases.hashicorp.com",
                objects,
            },
        ],
    };
}

/** The program as it was before the cluster created a StorageClass. */
const withoutStorageClass = (program: RenderedStack): RenderedStack => ({
    ...program,
    resources: program.resources.filter((r) => r.type !== STORAGE_CLASS_TYPE),
});

const messages = (rendering: ChartRendering) => checkStorage(rendering).findings.map((f) => `${f.subject}: ${f.message}`);

describe("tools/charts/storage", () => {
    let prod: RenderedStack;
    let local: RenderedStack;
    before(async () => {
        prod = await rendered("prod");
        local = await rendered("local");
    });

    it("prod: a claim without a class is a finding without the cluster's default StorageClass, and not with it", () => {
        const before = checkStorage(withCharts(withoutStorageClass(prod), [statefulSet()]));
        assert.equal(before.check, "storage");
        assert.equal(before.judged, 1);
        assert.deepEqual(
            before.findings.map((f) => `${f.subject}: ${f.message}`),
            [
                'StatefulSet vault/vault (release vault): claim "data": names no storageClassName and the stack creates no default StorageClass (EKS 1.30 and later have none): the claim stays Pending',
            ],
        );
        const after = checkStorage(withCharts(prod, [statefulSet()]));
        assert.equal(after.judged, 1);
        assert.deepEqual(after.findings, []);
    });

    it("prod: a claim naming a class the stack does not create is a finding; naming the cluster's class is not", () => {
        assert.deepEqual(messages(withCharts(prod, [statefulSet("gp2")])), [
            `StatefulSet vault/vault (release vault): claim "data": names StorageClass "gp2", which the stack does not create (it creates: ${EKS_STORAGE_CLASS}): the claim stays Pending`,
        ]);
        assert.deepEqual(messages(withCharts(prod, [statefulSet(EKS_STORAGE_CLASS)])), []);
        assert.match(
            messages(withCharts(prod, [statefulSet("")]))[0]!,
            /claim "data": storageClassName "" binds only a pre-created PersistentVolume/,
        );
    });

    it("judges the program's own claims too, naming the object as the program's", () => {
        const bare = withoutStorageClass(prod);
        const claims = [
            programClaim("vault-snapshots", { accessModes: ["ReadWriteOnce"] }),
            programClaim("scratch", { storageClassName: EKS_STORAGE_CLASS }),
        ];
        const result = checkStorage(withCharts(bare, [], claims));
        assert.equal(result.judged, 2);
        assert.deepEqual(
            result.findings.map((f) => f.subject),
            ["PersistentVolumeClaim vault/vault-snapshots (program)", "PersistentVolumeClaim vault/scratch (program)"],
        );
        assert.deepEqual(messages(withCharts(prod, [], claims)), []);
    });

    it("judges the claims the operator makes of Prometheus and Alertmanager storage, by the name the operator gives them", () => {
        const result = checkStorage(
            withCharts(withoutStorageClass(prod), [
                operatorResource("Prometheus", { volumeClaimTemplate: { spec: { resources: { requests: { storage: "100Gi" } } } } }),
                operatorResource("Alertmanager", {
                    volumeClaimTemplate: { metadata: { name: "am-data" }, spec: { storageClassName: "fast" } },
                }),
                operatorResource("Alertmanager", { emptyDir: { medium: "Memory" } }),
            ]),
        );
        assert.equal(result.judged, 2, "emptyDir storage makes no claim");
        assert.deepEqual(
            result.findings.map((f) => `${f.subject}: ${f.message.split(":")[0]}`),
            [
                'Prometheus monitoring/main (release vault): claim "prometheus-main-db"',
                'Alertmanager monitoring/main (release vault): claim "am-data"',
            ],
        );
    });

    it("a default StorageClass that a chart creates serves claims without a class; one not annotated default does not", () => {
        const bare = withoutStorageClass(prod);
        assert.deepEqual(messages(withCharts(bare, [storageClass("standard", true), statefulSet()])), []);
        assert.equal(messages(withCharts(bare, [storageClass("standard", false), statefulSet()])).length, 1);
        assert.deepEqual(messages(withCharts(bare, [storageClass("standard", false), statefulSet("standard")])), []);
    });

    it("does not judge a class the render cannot know, nor claims in Helm test hooks", () => {
        const result = checkStorage(
            withCharts(withoutStorageClass(prod), [statefulSet("[unknown]"), { ...statefulSet(), hooks: ["test"] }]),
        );
        assert.equal(result.judged, 1);
        assert.deepEqual(result.findings, []);
    });

    it("local (an existing cluster): claims without a class take the cluster's default, and a named class is the cluster's business", () => {
        const result = checkStorage(withCharts(local, [statefulSet(), statefulSet("standard")]));
        assert.ok(result.judged >= 3, "the program's snapshot claim and the two templates");
        assert.deepEqual(result.findings, []);
    });

    it("prod over the test charts: Vault's claim templates and the operator's storage name the cluster's class, and nothing is found", async () => {
        const rendering = await renderedCharts("prod");
        const manifests = rendering.releases.flatMap((r) => r.objects.map((o) => o.manifest as Record<string, any>));
        const vault = manifests.find((m) => m.kind === "StatefulSet" && m.metadata.name === "vault")!;
        assert.deepEqual(
            vault.spec.volumeClaimTemplates.map((t: { metadata: { name: string }; spec: { storageClassName?: string } }) => [
                t.metadata.name,
                t.spec.storageClassName,
            ]),
            [
                ["data", EKS_STORAGE_CLASS],
                ["audit", EKS_STORAGE_CLASS],
            ],
        );
        for (const kind of ["Prometheus", "Alertmanager"]) {
            const resource = manifests.find((m) => m.kind === kind)!;
            assert.equal(resource.spec.storage.volumeClaimTemplate.spec.storageClassName, EKS_STORAGE_CLASS, kind);
        }
        const result = checkStorage(rendering);
        assert.equal(result.judged, 4);
        assert.deepEqual(result.findings, []);
        // Were the cluster to stop creating the class, the four claims would name a class nobody creates.
        const orphaned = checkStorage({ ...rendering, program: withoutStorageClass(prod) }).findings;
        assert.equal(orphaned.length, 4);
        for (const finding of orphaned)
            assert.match(
                finding.message,
                new RegExp(`names StorageClass "${EKS_STORAGE_CLASS}", which the stack does not create \\(it creates: none\\)`),
            );
    });
});
