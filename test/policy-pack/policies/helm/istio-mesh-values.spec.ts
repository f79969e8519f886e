import { istioMeshValues } from "../../../../policy-pack/policies/helm/istio-mesh-values";
import { check, expectNone, expectViolations } from "../../helpers";

const REPO = { repo: "https://istio-release.storage.googleapis.com/charts" };
const istiod = (values: object, chart = "istiod") => ({
    type: "kubernetes:helm.sh/v3:Release",
    name: "istiod",
    props: { chart, version: "1.29.2", repositoryOpts: REPO, values },
});
const secure = { pilot: { cni: { enabled: true } }, meshConfig: { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } } };

describe("helm:istio-mesh-values", () => {
    it("passes istiod with CNI and REGISTRY_ONLY, and ignores other charts", async () => {
        expectNone(await check(istioMeshValues, istiod(secure)));
        expectNone(await check(istioMeshValues, istiod({}, "gateway")));
    });
    it("flags CNI off or left to the chart default", async () => {
        expectViolations(await check(istioMeshValues, istiod({ ...secure, pilot: { cni: { enabled: false } } })), /pilot\.cni\.enabled/);
        expectViolations(await check(istioMeshValues, istiod({ meshConfig: secure.meshConfig })), /pilot\.cni\.enabled/);
    });
    it("flags ALLOW_ANY outbound traffic, explicit or by default", async () => {
        expectViolations(
            await check(istioMeshValues, istiod({ ...secure, meshConfig: { outboundTrafficPolicy: { mode: "ALLOW_ANY" } } })),
            /"ALLOW_ANY"/,
        );
        expectViolations(await check(istioMeshValues, istiod({ pilot: secure.pilot })), /unset \(ALLOW_ANY\)/);
    });
});
