import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { applicationNamespaceLabels } from "../../../infra/admission/admission-control";
import { admissionSchema, type AdmissionConfig } from "../../../infra/admission/config";
import { celString, DIGEST_REQUIRED_LABEL, imagePolicies, POD_SPEC_SHAPES } from "../../../infra/admission/image-policies";
import { imageVerdict, injectorFillsImage, type ImageRule } from "../../../infra/admission/image-rules";
import { validateManifest } from "../../helpers/schemas";
import { AdmissionEmulator, compile, type AdmissionRequest, type Decision } from "../../../tools/charts/admission-emulator";
import { addEphemeralContainer, create, imagesOf, type Kind } from "./workloads";

const DIGEST = `sha256:${createHash("sha256").update("api").digest("hex")}`;
const ECR = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/";
const ALLOWED = ["registry.example.com/", "registry.example.com:5000/team/", "docker.io/library/", ECR];

function admissionConfig(environment: "dev" | "prod"): AdmissionConfig {
    return admissionSchema(environment).parse({
        allowedRegistries: ALLOWED,
        signatures: {
            policies: [
                {
                    name: "ci",
                    images: [`${ECR}**`],
                    keyless: [
                        {
                            issuer: "https://token.actions.githubusercontent.com",
                            subject: "https://github.com/example-org/api/.github/workflows/release.yml@refs/heads/main",
                        },
                    ],
                },
            ],
        },
    });
}

/** An emulated cluster: application namespaces labelled as the platform labels them, kube-system exempt, `tools` unmanaged. */
function cluster(config: AdmissionConfig): AdmissionEmulator {
    const { policies, bindings } = imagePolicies(config);
    const app = applicationNamespaceLabels(config);
    return new AdmissionEmulator(policies, bindings, [
        { name: "shop", labels: app },
        { name: "payments", labels: app },
        { name: "tools" },
        { name: "kube-system" },
    ]);
}

const clusters = { dev: cluster(admissionConfig("dev")), prod: cluster(admissionConfig("prod")) };

/** The rules a denial stands for: the source policies' validations in order, then the digest policy's. */
const SOURCE_RULES: ImageRule[] = ["reference", "registry", "floating-tag"];
function deniedRules(decision: Decision): Set<ImageRule> {
    return new Set(
        decision.denials.map((denial) => {
            assert.ok(denial.validation >= 0, `policy error instead of a verdict: ${denial.message}`);
            return denial.policy.includes("image-digest") ? "digest" : SOURCE_RULES[denial.validation]!;
        }),
    );
}

/** What the TypeScript rule (the one the CrossGuard pack calls) says of the same object in the same namespace. */
function expectedRules(environment: "dev" | "prod", request: AdmissionRequest): Set<ImageRule> {
    const config = admissionConfig(environment);
    if (config.exemptNamespaces.some((ns) => ns.name === request.namespace)) return new Set();
    const digestHere = config.requireDigest && ["shop", "payments"].includes(request.namespace);
    // An UPDATE is judged on the images it brings in.
    const previous = request.operation === "UPDATE" && request.oldObject ? imagesOf(request.oldObject) : [];
    const rules = imagesOf(request.object)
        .filter((image) => !previous.includes(image))
        .flatMap((image) =>
            imageVerdict(image, { allowedRegistries: config.allowedRegistries, requireDigest: digestHere }).violations.map((v) => v.rule),
        );
    return new Set(rules);
}

interface Case {
    title: string;
    environment: "dev" | "prod";
    request: AdmissionRequest;
    denied: ImageRule[];
}

const one = (image: string | undefined) => ({ containers: [{ name: "app", ...(image === undefined ? {} : { image }) }] });

const ADMIT: Case[] = [
    {
        title: "Pod from an allowed registry with a version tag",
        environment: "dev",
        request: create("Pod", "shop", one("registry.example.com/shop/api:1.4.2")),
        denied: [],
    },
    {
        title: "Pod pinned by digest only",
        environment: "prod",
        request: create("Pod", "shop", one(`registry.example.com/shop/api@${DIGEST}`)),
        denied: [],
    },
    {
        title: "Pod with a short Docker Hub name (docker.io/library/ allowed)",
        environment: "dev",
        request: create("Pod", "shop", one("nginx:1.27.2")),
        denied: [],
    },
    {
        title: "Deployment whose container and init container are both allowed",
        environment: "dev",
        request: create("Deployment", "shop", {
            containers: [{ name: "app", image: `${ECR}shop/api:2.0.0` }],
            initContainers: [{ name: "migrate", image: `${ECR}shop/migrate:2.0.0` }],
        }),
        denied: [],
    },
    {
        title: "StatefulSet from a registry with a port, inside the allowed path",
        environment: "dev",
        request: create("StatefulSet", "payments", one("registry.example.com:5000/team/db:15.2")),
        denied: [],
    },
    {
        title: "DaemonSet with tag and digest",
        environment: "prod",
        request: create("DaemonSet", "payments", one(`docker.io/library/busybox:1.36@${DIGEST}`)),
        denied: [],
    },
    {
        title: "CronJob from the organisation's ECR",
        environment: "dev",
        request: create("CronJob", "shop", one(`${ECR}jobs/report:2024.11.1`)),
        denied: [],
    },
    {
        title: "CronJob pinned by digest in prod",
        environment: "prod",
        request: create("CronJob", "payments", one(`${ECR}jobs/report:2024.11.1@${DIGEST}`)),
        denied: [],
    },
    {
        title: "Job, ReplicaSet-free batch workload",
        environment: "dev",
        request: create("Job", "shop", one("registry.example.com/batch/import:0.9.1")),
        denied: [],
    },
    {
        title: "ReplicaSet",
        environment: "dev",
        request: create("ReplicaSet", "shop", one("registry.example.com/shop/api:1.4.2")),
        denied: [],
    },
    {
        title: "ReplicationController",
        environment: "dev",
        request: create("ReplicationController", "shop", one("registry.example.com/shop/api:1.4.2")),
        denied: [],
    },
    {
        title: "PodTemplate",
        environment: "dev",
        request: create("PodTemplate", "shop", one("registry.example.com/shop/api:1.4.2")),
        denied: [],
    },
    {
        title: "ephemeral debug container from an allowed registry",
        environment: "dev",
        request: addEphemeralContainer("shop", one("registry.example.com/shop/api:1.4.2"), {
            name: "debug",
            image: "registry.example.com/tools/netshoot:0.13",
        }),
        denied: [],
    },
    {
        title: "tag-only image in prod outside the application namespaces (digests are required there only)",
        environment: "prod",
        request: create("Deployment", "tools", one("registry.example.com/tools/exporter:3.1.0")),
        denied: [],
    },
    {
        title: "any image in an exempt namespace",
        environment: "prod",
        request: create("DaemonSet", "kube-system", one("602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.18.3")),
        denied: [],
    },
    {
        title: "policy-controller's rewrite of an allowed Docker Hub image (index.docker.io/, library/ added)",
        environment: "prod",
        request: create("Pod", "shop", one(`index.docker.io/library/nginx@${DIGEST}`)),
        denied: [],
    },
    {
        title: "Docker Hub's registry-1 host for an allowed path",
        environment: "dev",
        request: create("Pod", "shop", one("registry-1.docker.io/library/busybox:1.36")),
        denied: [],
    },
    {
        title: "a single Docker Hub name under docker.io/ (docker.io/library/)",
        environment: "dev",
        request: create("Pod", "shop", one("docker.io/nginx:1.27.2")),
        denied: [],
    },
    {
        title: "a tag that merely starts with latest",
        environment: "dev",
        request: create("Pod", "shop", one("registry.example.com/shop/api:latest-2024.11")),
        denied: [],
    },
];

const DENY: Case[] = [
    {
        title: "Pod with an untagged short name",
        environment: "dev",
        request: create("Pod", "shop", one("nginx")),
        denied: ["floating-tag"],
    },
    { title: "Pod with :latest", environment: "dev", request: create("Pod", "shop", one("nginx:latest")), denied: ["floating-tag"] },
    {
        title: "Pod from a registry not on the list",
        environment: "dev",
        request: create("Pod", "shop", one("quay.io/evil/miner:1.0")),
        denied: ["registry"],
    },
    {
        title: "a host that only starts with an allowed host",
        environment: "dev",
        request: create("Pod", "shop", one("registry.example.com.evil.io/shop/api:1.0")),
        denied: ["registry"],
    },
    {
        title: "the allowed host on another port",
        environment: "dev",
        request: create("Pod", "shop", one("registry.example.com:5001/team/db:15.2")),
        denied: ["registry"],
    },
    {
        title: "the allowed host and port outside the allowed path",
        environment: "dev",
        request: create("StatefulSet", "shop", one("registry.example.com:5000/other/db:15.2")),
        denied: ["registry"],
    },
    {
        title: "a Docker Hub user image when only docker.io/library/ is allowed",
        environment: "dev",
        request: create("Pod", "shop", one("bitnami/redis:7.4")),
        denied: ["registry"],
    },
    {
        title: "Deployment with a good container and an untagged init container",
        environment: "dev",
        request: create("Deployment", "shop", {
            containers: [{ name: "app", image: `${ECR}shop/api:2.0.0` }],
            initContainers: [{ name: "wait", image: "busybox" }],
        }),
        denied: ["floating-tag"],
    },
    {
        title: "CronJob with :latest",
        environment: "dev",
        request: create("CronJob", "shop", one("registry.example.com/jobs/report:latest")),
        denied: ["floating-tag"],
    },
    {
        title: "ephemeral debug container from Docker Hub",
        environment: "dev",
        request: addEphemeralContainer("shop", one("registry.example.com/shop/api:1.4.2"), {
            name: "debug",
            image: "docker.io/nicolaka/netshoot:v0.13",
        }),
        denied: ["registry"],
    },
    {
        title: "a malformed digest",
        environment: "dev",
        request: create("Pod", "shop", one("registry.example.com/shop/api@sha256:abc")),
        denied: ["reference", "floating-tag"],
    },
    {
        title: "an upper-case registry host (a different string from the allowed one)",
        environment: "dev",
        request: create("Pod", "shop", one("Registry.Example.com/shop/api:1.0")),
        denied: ["registry"],
    },
    {
        title: "a version tag without digest in a prod application namespace",
        environment: "prod",
        request: create("Deployment", "payments", one("registry.example.com/shop/api:1.4.2")),
        denied: ["digest"],
    },
    {
        title: "PodTemplate without a tag",
        environment: "dev",
        request: create("PodTemplate", "shop", one("registry.example.com/shop/api")),
        denied: ["floating-tag"],
    },
    {
        title: "Job whose container has no image",
        environment: "dev",
        request: create("Job", "shop", one(undefined)),
        denied: ["reference", "floating-tag"],
    },
    {
        title: ":latest even with a digest",
        environment: "prod",
        request: create("Pod", "shop", one(`registry.example.com/shop/api:latest@${DIGEST}`)),
        denied: ["floating-tag"],
    },
    {
        title: "several rules at once, in a prod CronJob",
        environment: "prod",
        request: create("CronJob", "shop", one("ghcr.io/someone/tool")),
        denied: ["registry", "floating-tag", "digest"],
    },
    {
        title: "index.docker.io/ outside the allowed Docker Hub path",
        environment: "dev",
        request: create("Pod", "shop", one(`index.docker.io/bitnami/redis@${DIGEST}`)),
        denied: ["registry"],
    },
    {
        title: "a host that only starts with a Docker Hub host",
        environment: "dev",
        request: create("Pod", "shop", one("index.docker.io.evil.io/library/nginx:1.27.2")),
        denied: ["registry"],
    },
    {
        title: "a forbidden image in a namespace the platform does not manage",
        environment: "dev",
        request: create("Pod", "tools", one("quay.io/evil/miner:1.0")),
        denied: ["registry"],
    },
];

describe("admission: image policies evaluated with CEL", () => {
    it("compiles every CEL expression of every policy, in dev and prod", () => {
        for (const environment of ["dev", "prod"] as const) {
            const { policies } = imagePolicies(admissionConfig(environment));
            let count = 0;
            for (const policy of policies) {
                const spec = policy.spec as {
                    variables: { expression: string }[];
                    validations: { expression: string; messageExpression: string }[];
                };
                for (const v of spec.variables) {
                    compile(v.expression);
                    count++;
                }
                for (const v of spec.validations) {
                    compile(v.expression);
                    compile(v.messageExpression);
                    count += 2;
                }
            }
            assert.equal(count, clusters[environment].expressionCount);
            assert.ok(count >= (environment === "prod" ? 60 : 40), `only ${count} expressions`);
        }
    });

    it("has a policy and binding for every pod-bearing shape, and digest policies only where required", () => {
        const dev = imagePolicies(admissionConfig("dev"));
        const prod = imagePolicies(admissionConfig("prod"));
        assert.deepEqual(
            dev.policies.map((p) => p.metadata.name),
            POD_SPEC_SHAPES.map((s) => `secure-platform-image-source-${s.shape}`),
        );
        assert.equal(prod.policies.length, 2 * POD_SPEC_SHAPES.length);
        for (const set of [dev, prod]) {
            assert.deepEqual(
                set.bindings.map((b) => (b.spec as { policyName: string }).policyName),
                set.policies.map((p) => p.metadata.name),
            );
            for (const binding of set.bindings)
                assert.deepEqual((binding.spec as { validationActions: string[] }).validationActions, ["Deny", "Audit"]);
            for (const policy of set.policies) assert.equal((policy.spec as { failurePolicy: string }).failurePolicy, "Fail");
        }
        const kinds = POD_SPEC_SHAPES.flatMap((s) => s.rules.flatMap((r) => [...r.resources]));
        for (const resource of [
            "pods",
            "pods/ephemeralcontainers",
            "deployments",
            "statefulsets",
            "daemonsets",
            "replicasets",
            "replicationcontrollers",
            "jobs",
            "cronjobs",
            "podtemplates",
        ]) {
            assert.ok(kinds.includes(resource as never), `${resource} is not matched`);
        }
    });

    for (const [label, cases, allowed] of [
        ["admits", ADMIT, true],
        ["denies", DENY, false],
    ] as const) {
        describe(label, () => {
            for (const c of cases) {
                it(`${c.title} (${c.request.object.kind as string}, ${c.environment})`, async () => {
                    assert.equal(await validateManifest(c.request.object), "validated");
                    const decision = clusters[c.environment].review(c.request);
                    assert.deepEqual(decision.errors, []);
                    assert.equal(decision.allowed, allowed, JSON.stringify(decision.denials));
                    if (c.request.namespace !== "kube-system") assert.ok(decision.evaluated.length > 0, "no policy matched the request");
                    assert.deepEqual([...deniedRules(decision)].sort(), [...c.denied].sort());
                    // The TypeScript rule the CrossGuard pack calls gives the same verdict, rule by rule.
                    assert.deepEqual([...expectedRules(c.environment, c.request)].sort(), [...c.denied].sort());
                    for (const denial of decision.denials) {
                        assert.ok(
                            imagesOf(c.request.object).some((image) => image !== "" && denial.message.includes(image)) ||
                                denial.message.includes("image  of container"),
                            `message names no image: ${denial.message}`,
                        );
                        assert.match(denial.message, /of container (app|migrate|wait|debug) /);
                    }
                });
            }
        });
    }

    it("evaluates every validation and its messageExpression to a denial naming the image, for every shape", () => {
        const seen = new Set<string>();
        for (const kind of ["Pod", "Deployment", "CronJob", "PodTemplate"] as const) {
            // Malformed, unlisted and floating at once; in a prod application namespace, also without digest.
            const decision = clusters.prod.review(create(kind, "shop", one("quay.io/Bad/app")));
            assert.deepEqual(decision.errors, []);
            for (const denial of decision.denials) {
                assert.match(denial.message, /^image quay\.io\/Bad\/app of container app /);
                seen.add(`${denial.policy}#${denial.validation}`);
            }
        }
        const { policies } = imagePolicies(admissionConfig("prod"));
        const all = policies.flatMap((p) => (p.spec as { validations: unknown[] }).validations.map((_, i) => `${p.metadata.name}#${i}`));
        assert.deepEqual([...seen].sort(), all.sort());
    });

    it("counts further offending images in the message", () => {
        const request = create("Pod", "shop", {
            containers: [
                { name: "a", image: "quay.io/x/a:1" },
                { name: "b", image: "quay.io/x/b:1" },
            ],
            initContainers: [{ name: "c", image: "quay.io/x/c:1" }],
        });
        const [denial] = clusters.dev.review(request).denials;
        assert.equal(
            denial!.message,
            `image quay.io/x/a:1 of container a is not from an allowed registry (allowed: ${ALLOWED.join(", ")}) (and 2 more)`,
        );
    });

    it("checks UPDATEs as well as CREATEs (an image swapped in place)", () => {
        const before = create("Deployment", "shop", one("registry.example.com/shop/api:1.4.2"));
        const after = create("Deployment", "shop", one("quay.io/evil/miner:1.0"));
        const decision = clusters.dev.review({ ...after, operation: "UPDATE", oldObject: before.object });
        assert.equal(decision.allowed, false);
    });

    it("judges an UPDATE on the images it brings in, not those the object already ran", () => {
        // A workload admitted before the list was narrowed: removing a finalizer or a label change still goes through.
        const running = create("Deployment", "shop", one("quay.io/legacy/app:1.0"));
        const relabelled = create("Deployment", "shop", one("quay.io/legacy/app:1.0"));
        (relabelled.object.metadata as { labels: Record<string, string> }).labels = { app: "api", tier: "web" };
        const update = clusters.dev.review({ ...relabelled, operation: "UPDATE", oldObject: running.object });
        assert.deepEqual(update.denials, []);
        // The same object as a CREATE is judged in full.
        assert.equal(clusters.dev.review(relabelled).allowed, false);
        // A debug container added to a running pod is judged; the pod's own containers are not judged again.
        const debug = addEphemeralContainer("shop", one("quay.io/legacy/app:1.0"), { name: "debug", image: "nginx" });
        const decision = clusters.dev.review(debug);
        assert.deepEqual([...deniedRules(decision)], ["floating-tag"]);
        assert.match(decision.denials[0]!.message, /^image nginx of container debug /);
    });

    describe("image: auto, which Istio's gateway injection template fills", () => {
        const gatewayMeta = {
            labels: { app: "api", "sidecar.istio.io/inject": "true" },
            annotations: { "inject.istio.io/templates": "gateway" },
        };
        /** A gateway Deployment as the gateway chart renders it, with the template metadata given. */
        function gatewayDeployment(
            metadata: Record<string, unknown> | undefined,
            container = { name: "istio-proxy", image: "auto" },
        ): AdmissionRequest {
            const request = create("Deployment", "shop", { containers: [container] });
            const template = (request.object.spec as { template: Record<string, unknown> }).template;
            if (metadata) template.metadata = metadata;
            else delete template.metadata;
            return request;
        }
        const denied = (request: AdmissionRequest, environment: "dev" | "prod" = "dev") =>
            [...deniedRules(clusters[environment].review(request))].sort();

        it("admits it on the istio-proxy container of a gateway-injected template, digests required or not", () => {
            assert.deepEqual(denied(gatewayDeployment(gatewayMeta)), []);
            assert.deepEqual(denied(gatewayDeployment(gatewayMeta), "prod"), []);
            const cronjob = create("CronJob", "shop", { containers: [{ name: "istio-proxy", image: "auto" }] });
            (cronjob.object as any).spec.jobTemplate.spec.template.metadata = gatewayMeta;
            assert.deepEqual(denied(cronjob), []);
        });

        it("denies it everywhere else, as the untagged image docker.io/library/auto", () => {
            const expected = ["floating-tag"];
            assert.deepEqual(denied(gatewayDeployment(undefined)), expected);
            assert.deepEqual(denied(gatewayDeployment({ labels: gatewayMeta.labels })), expected);
            assert.deepEqual(denied(gatewayDeployment({ annotations: gatewayMeta.annotations })), expected);
            assert.deepEqual(
                denied(gatewayDeployment({ ...gatewayMeta, annotations: { "inject.istio.io/templates": "sidecar" } })),
                expected,
            );
            assert.deepEqual(denied(gatewayDeployment({ ...gatewayMeta, labels: { "sidecar.istio.io/inject": "false" } })), expected);
            assert.deepEqual(denied(gatewayDeployment(gatewayMeta, { name: "app", image: "auto" })), expected);
            assert.deepEqual(denied(gatewayDeployment(undefined), "prod"), ["digest", "floating-tag"]);
            // Another container of the gateway pod is judged as usual.
            const sneaky = gatewayDeployment(gatewayMeta);
            (sneaky.object as any).spec.template.spec.containers.push({ name: "miner", image: "quay.io/evil/miner:1.0" });
            assert.deepEqual(denied(sneaky), ["registry"]);
        });

        it("agrees with the pack's rule (injectorFillsImage) for each case", () => {
            for (const metadata of [
                gatewayMeta,
                undefined,
                { labels: gatewayMeta.labels },
                { ...gatewayMeta, annotations: { "inject.istio.io/templates": "a,gateway" } },
            ]) {
                const request = gatewayDeployment(metadata);
                const filled = injectorFillsImage(metadata ?? {}, { name: "istio-proxy", image: "auto" });
                assert.equal(clusters.dev.review(request).allowed, filled, JSON.stringify(metadata));
            }
        });
    });

    it("leaves objects that carry no pod alone", () => {
        const service = {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "api", namespace: "shop" },
            spec: { ports: [{ port: 80 }] },
        };
        const decision = clusters.prod.review({
            operation: "CREATE",
            resource: { group: "", version: "v1", resource: "services" },
            namespace: "shop",
            object: service,
        });
        assert.deepEqual(decision.evaluated, []);
    });

    it("escapes CEL string literals so patterns and names reach the evaluator unchanged", () => {
        for (const text of ["a\\w", "it's", "\\'", "^[^@]*:latest(?:@.*)?$"]) {
            const program = compile(celString(text));
            assert.equal(program({}), text);
        }
    });

    describe("agrees with imageVerdict on generated image references", () => {
        const HOSTS = [
            "",
            "registry.example.com/",
            "registry.example.com:5000/",
            "registry.example.com:5000/team/",
            "registry.example.com.evil.io/",
            "Registry.Example.com/",
            "docker.io/",
            "docker.io/library/",
            "index.docker.io/",
            "localhost/",
            "localhost:5000/",
            "quay.io/",
            ECR,
            "111122223333.dkr.ecr.eu-west-1.amazonaws.com:443/",
            "a/",
            "A/",
        ];
        const PATH = fc
            .array(fc.constantFrom("shop", "api", "library", "team", "nginx", "a.b", "a__b", "a--b", "x_y", "UP", "-x", ".", ""), {
                minLength: 1,
                maxLength: 3,
            })
            .map((parts) => parts.join("/"));
        const TAGS = ["", ":latest", ":1.4.2", ":latest-2024", ":LATEST", ":v1", ":-bad", ":", ":a/b", ":" + "x".repeat(130)];
        const DIGESTS = ["", `@${DIGEST}`, "@sha256:abc", `@sha512:${"a".repeat(128)}`, `@${DIGEST.toUpperCase()}`, "@"];
        const structured = fc
            .tuple(fc.constantFrom(...HOSTS), PATH, fc.constantFrom(...TAGS), fc.constantFrom(...DIGESTS))
            .map((parts) => parts.join(""));
        const anything = fc.string({ unit: fc.constantFrom(..."aZ09./:@-_ %'\\".split("")), maxLength: 30 });
        const image = fc.oneof({ weight: 4, arbitrary: structured }, { weight: 1, arbitrary: anything });
        const kind = fc.constantFrom<Kind>("Pod", "Deployment", "CronJob", "Job", "PodTemplate", "StatefulSet");

        for (const environment of ["dev", "prod"] as const) {
            it(`in ${environment}, for every container kind and pod-bearing kind`, () => {
                fc.assert(
                    fc.property(
                        image,
                        kind,
                        fc.constantFrom("containers", "initContainers", "ephemeralContainers"),
                        fc.constantFrom("shop", "tools"),
                        (img, k, field, namespace) => {
                            const spec =
                                field === "containers"
                                    ? one(img)
                                    : {
                                          containers: [{ name: "app", image: "registry.example.com/shop/api:1.4.2@" + DIGEST }],
                                          [field]: [{ name: "extra", image: img }],
                                      };
                            const request =
                                field === "ephemeralContainers"
                                    ? addEphemeralContainer(namespace, one("registry.example.com/shop/api:1.4.2@" + DIGEST), {
                                          name: "extra",
                                          image: img,
                                      })
                                    : create(k, namespace, spec);
                            const decision = clusters[environment].review(request);
                            assert.deepEqual(decision.errors, []);
                            const expected = expectedRules(environment, request);
                            assert.deepEqual([...deniedRules(decision)].sort(), [...expected].sort(), `image ${JSON.stringify(img)}`);
                            assert.equal(decision.allowed, expected.size === 0);
                        },
                    ),
                    { numRuns: 400, seed: environment === "dev" ? 7 : 11 },
                );
            });
        }
    });

    it("every admission object validates against the Kubernetes schema", async () => {
        for (const environment of ["dev", "prod"] as const) {
            const { policies, bindings } = imagePolicies(admissionConfig(environment));
            for (const manifest of [...policies, ...bindings]) {
                assert.equal(await validateManifest(manifest as unknown as Record<string, unknown>), "validated", manifest.metadata.name);
            }
        }
    });

    it("binds the source policies everywhere but the exempt namespaces, the digest policies to labelled namespaces", () => {
        const prod = imagePolicies(admissionConfig("prod"));
        const selector = (name: string) =>
            (prod.bindings.find((b) => b.metadata.name === name)!.spec as { matchResources: { namespaceSelector: unknown } }).matchResources
                .namespaceSelector;
        const notExempt = { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system"] };
        assert.deepEqual(selector("secure-platform-image-source-pods"), { matchExpressions: [notExempt] });
        assert.deepEqual(selector("secure-platform-image-digest-pods"), {
            matchLabels: { [DIGEST_REQUIRED_LABEL.key]: DIGEST_REQUIRED_LABEL.value },
            matchExpressions: [notExempt],
        });
        const none = imagePolicies({ ...admissionConfig("dev"), exemptNamespaces: [] });
        assert.deepEqual(
            (none.bindings[0]!.spec as { matchResources: { namespaceSelector: unknown } }).matchResources.namespaceSelector,
            {},
        );
    });
});
