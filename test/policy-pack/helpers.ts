import { strict as assert } from "node:assert";
import { settingsFor } from "../../policy-pack/lib/config";
import { runResourceCheck, runStackCheck, toResource, type CheckOutcome, type ResourceInput } from "../../policy-pack/lib/evaluate";
import type { ResourcePolicy, StackPolicy } from "../../policy-pack/lib/types";

type Json = Record<string, any>;

/** Every pod-bearing kind, with its Pulumi type token and where its pod template sits. */
export const POD_KINDS: { kind: string; type: string; wrap(spec: Json, metadata: Json): Json }[] = [
    {
        kind: "Pod",
        type: "kubernetes:core/v1:Pod",
        wrap: (spec, metadata) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "apps", ...metadata }, spec }),
    },
    {
        kind: "PodTemplate",
        type: "kubernetes:core/v1:PodTemplate",
        wrap: (spec, metadata) => ({
            apiVersion: "v1",
            kind: "PodTemplate",
            metadata: { name: "t", namespace: "apps" },
            template: { metadata, spec },
        }),
    },
    ...["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"].map((kind) => ({
        kind,
        type: `kubernetes:apps/v1:${kind}`,
        wrap: (spec: Json, metadata: Json) => ({
            apiVersion: "apps/v1",
            kind,
            metadata: { name: "w", namespace: "apps" },
            spec: { selector: { matchLabels: { app: "w" } }, template: { metadata: { labels: { app: "w" }, ...metadata }, spec } },
        }),
    })),
    {
        kind: "ReplicationController",
        type: "kubernetes:core/v1:ReplicationController",
        wrap: (spec, metadata) => ({
            apiVersion: "v1",
            kind: "ReplicationController",
            metadata: { name: "rc", namespace: "apps" },
            spec: { template: { metadata, spec } },
        }),
    },
    {
        kind: "Job",
        type: "kubernetes:batch/v1:Job",
        wrap: (spec, metadata) => ({
            apiVersion: "batch/v1",
            kind: "Job",
            metadata: { name: "j", namespace: "apps" },
            spec: { template: { metadata, spec } },
        }),
    },
    {
        kind: "CronJob",
        type: "kubernetes:batch/v1:CronJob",
        wrap: (spec, metadata) => ({
            apiVersion: "batch/v1",
            kind: "CronJob",
            metadata: { name: "cj", namespace: "apps" },
            spec: { schedule: "@daily", jobTemplate: { spec: { template: { metadata, spec } } } },
        }),
    },
];

/** A pod spec that meets the restricted profile; cases start from it and change one thing. */
export function restrictedPod(): Json {
    return {
        serviceAccountName: "app",
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
            {
                name: "app",
                image: "registry.example.com/app:1.0.0@sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
                resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            },
        ],
        volumes: [{ name: "tmp", emptyDir: {} }],
    };
}

export const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

/** The restricted pod plus one more container in `list`, changed by `patch`. */
export function podWithContainer(list: (typeof CONTAINER_LISTS)[number], patch: (c: Json) => void): Json {
    const spec = restrictedPod();
    const extra: Json = {
        name: `extra-${list}`,
        image: "registry.example.com/tool:2.0.0",
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    };
    patch(extra);
    spec[list] = [...(spec[list] ?? []), extra];
    return spec;
}

export async function check(
    policy: ResourcePolicy<any>,
    input: ResourceInput,
    config: Record<string, unknown> = {},
): Promise<CheckOutcome> {
    const outcome = await runResourceCheck(policy, toResource(input), settingsFor(policy, config).own);
    assert.equal(outcome.error, undefined, `policy ${policy.name} threw: ${outcome.error}`);
    return outcome;
}

export async function checkStack(
    policy: StackPolicy<any>,
    inputs: ResourceInput[],
    config: Record<string, unknown> = {},
): Promise<CheckOutcome> {
    const outcome = await runStackCheck(policy, inputs.map(toResource), settingsFor(policy, config).own);
    assert.equal(outcome.error, undefined, `policy ${policy.name} threw: ${outcome.error}`);
    return outcome;
}

/**
 * Judges a pod spec inside every pod-bearing kind; asserts a violation (whose message contains
 * `expected`, when given) or none.
 */
export async function expectPod(
    policy: ResourcePolicy<any>,
    spec: Json,
    expected: boolean | RegExp,
    metadata: Json = {},
    config: Record<string, unknown> = {},
): Promise<void> {
    for (const { kind, type, wrap } of POD_KINDS) {
        const outcome = await check(
            policy,
            { type, name: `x-${kind}`, props: wrap(structuredClone(spec), structuredClone(metadata)) },
            config,
        );
        const messages = outcome.violations.map((v) => v.message);
        if (expected === false) assert.deepEqual(messages, [], `${kind}: expected no violation of ${policy.name}`);
        else {
            assert.ok(messages.length > 0, `${kind}: expected a violation of ${policy.name}`);
            if (expected instanceof RegExp)
                assert.ok(
                    messages.some((m) => expected.test(m)),
                    `${kind}: ${messages.join(" | ")} does not match ${expected}`,
                );
        }
    }
}

export function expectViolations(outcome: CheckOutcome, pattern?: RegExp): void {
    assert.ok(outcome.violations.length > 0, "expected a violation");
    if (pattern)
        assert.ok(
            outcome.violations.some((v) => pattern.test(v.message)),
            `${outcome.violations.map((v) => v.message).join(" | ")} does not match ${pattern}`,
        );
}

export function expectNone(outcome: CheckOutcome): void {
    assert.deepEqual(
        outcome.violations.map((v) => v.message),
        [],
    );
}
