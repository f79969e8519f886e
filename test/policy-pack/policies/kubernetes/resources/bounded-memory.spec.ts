import { boundedMemory } from "../../../../../policy-pack/policies/kubernetes/resources/bounded-memory";
import { checkStack, expectNone, expectViolations, POD_KINDS, restrictedPod } from "../../../helpers";

type Json = Record<string, any>;

const limitRange = (namespace: string, memory: string | undefined) => ({
    type: "kubernetes:core/v1:LimitRange",
    name: `defaults-${namespace}`,
    props: {
        metadata: { name: "container-defaults", namespace },
        spec: { limits: [{ type: "Container", ...(memory ? { default: { memory } } : {}), defaultRequest: { memory: "64Mi" } }] },
    },
});

function withoutLimits(spec: Json): Json {
    delete spec.containers[0].resources.limits;
    return spec;
}

describe("k8s:resources:bounded-memory", () => {
    it("passes containers with their own memory limit, in every pod-bearing kind", async () => {
        for (const { type, wrap } of POD_KINDS)
            expectNone(await checkStack(boundedMemory, [{ type, name: "w", props: wrap(restrictedPod(), {}) }]));
    });
    it("passes a container without a limit in a namespace whose LimitRange sets a default memory limit", async () => {
        for (const { type, wrap } of POD_KINDS)
            expectNone(
                await checkStack(boundedMemory, [
                    limitRange("apps", "512Mi"),
                    { type, name: "w", props: wrap(withoutLimits(restrictedPod()), {}) },
                ]),
            );
    });
    it("flags a container without a memory limit and no namespace default, init containers included", async () => {
        for (const { type, wrap } of POD_KINDS) {
            expectViolations(
                await checkStack(boundedMemory, [{ type, name: "w", props: wrap(withoutLimits(restrictedPod()), {}) }]),
                /app have no memory limit/,
            );
            expectViolations(
                await checkStack(boundedMemory, [
                    limitRange("other", "512Mi"),
                    limitRange("apps", undefined),
                    { type, name: "w", props: wrap(withoutLimits(restrictedPod()), {}) },
                ]),
                /namespace "apps"/,
            );
            const init = restrictedPod();
            init.initContainers = [{ name: "migrate", image: "registry.example.com/m:1" }];
            expectViolations(await checkStack(boundedMemory, [{ type, name: "w", props: wrap(init, {}) }]), /migrate/);
        }
    });
});
