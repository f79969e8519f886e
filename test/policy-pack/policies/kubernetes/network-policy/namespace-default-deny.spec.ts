import { namespaceDefaultDeny } from "../../../../../policy-pack/policies/kubernetes/network-policy/namespace-default-deny";
import { checkStack, expectNone, expectViolations } from "../../../helpers";

const ns = (name: string, labelled = true) => ({
    type: "kubernetes:core/v1:Namespace",
    name,
    props: { metadata: { name, labels: labelled ? { "pod-security.kubernetes.io/enforce": "restricted" } : {} } },
});
const np = (namespace: string, spec: object) => ({
    type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    name: `np-${namespace}`,
    props: { metadata: { name: "default-deny", namespace }, spec },
});
const denyAll = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };

describe("k8s:network-policy:namespace-default-deny", () => {
    it("passes application namespaces with a default deny for both directions", async () => {
        expectNone(await checkStack(namespaceDefaultDeny, [ns("shop"), np("shop", denyAll)]));
    });
    it("flags an application namespace without one, naming it", async () => {
        expectViolations(await checkStack(namespaceDefaultDeny, [ns("shop"), ns("payments"), np("shop", denyAll)]), /"payments"/);
    });
    it("flags a policy that selects some pods only, or allows ingress", async () => {
        expectViolations(
            await checkStack(namespaceDefaultDeny, [
                ns("shop"),
                np("shop", { podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Ingress", "Egress"] }),
            ]),
        );
        expectViolations(
            await checkStack(namespaceDefaultDeny, [
                ns("shop"),
                np("shop", { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}] }),
            ]),
            /Ingress/,
        );
    });
    it("does not fire on stacks without application namespaces, nor on system namespaces", async () => {
        expectNone(
            await checkStack(namespaceDefaultDeny, [
                ns("kube-system"),
                ns("other", false),
                { type: "aws:s3/bucket:Bucket", name: "b", props: {} },
            ]),
        );
    });
    it("judges exactly the declared application namespaces when a stack lists them", async () => {
        const stack = [ns("shop"), ns("vault"), np("shop", denyAll)];
        expectViolations(await checkStack(namespaceDefaultDeny, stack), /"vault"/);
        expectNone(await checkStack(namespaceDefaultDeny, stack, { applicationNamespaces: ["shop"] }));
        expectViolations(await checkStack(namespaceDefaultDeny, [ns("shop", false)], { applicationNamespaces: ["shop"] }), /"shop"/);
    });
    it("accepts ingress-only deny when egress deny is not required", async () => {
        expectNone(
            await checkStack(namespaceDefaultDeny, [ns("shop"), np("shop", { podSelector: {}, policyTypes: ["Ingress"] })], {
                requireEgressDeny: false,
            }),
        );
    });
});
