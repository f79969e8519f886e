import { authorizationPolicyNoAllowAll } from "../../../../policy-pack/policies/istio/authorization-policy-no-allow-all";
import { destinationRuleTls } from "../../../../policy-pack/policies/istio/destination-rule-tls";
import { meshWideStrictMtls } from "../../../../policy-pack/policies/istio/mesh-wide-strict-mtls";
import { namespaceDefaultDenyAuthz } from "../../../../policy-pack/policies/istio/namespace-default-deny";
import { peerAuthenticationStrict } from "../../../../policy-pack/policies/istio/peer-authentication-strict";
import { check, checkStack, expectNone, expectViolations } from "../../helpers";

const pa = (namespace: string, spec: object) => ({
    type: "kubernetes:security.istio.io/v1:PeerAuthentication",
    name: `pa-${namespace}`,
    props: { metadata: { name: "default", namespace }, spec },
});
const authz = (namespace: string, spec: object) => ({
    type: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
    name: `ap-${namespace}`,
    props: { metadata: { name: "p", namespace }, spec },
});
const ns = (name: string) => ({
    type: "kubernetes:core/v1:Namespace",
    name,
    props: { metadata: { name, labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
});
const istiod = {
    type: "kubernetes:helm.sh/v3:Release",
    name: "istiod",
    props: { chart: "istiod", version: "1.27.3", repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" } },
};

describe("istio", () => {
    it("peer-authentication-strict passes STRICT and UNSET, flags PERMISSIVE/DISABLE including port level", async () => {
        expectNone(await check(peerAuthenticationStrict, pa("istio-system", { mtls: { mode: "STRICT" } })));
        expectNone(
            await check(peerAuthenticationStrict, pa("shop", { mtls: { mode: "UNSET" }, portLevelMtls: { 8080: { mode: "STRICT" } } })),
        );
        expectViolations(await check(peerAuthenticationStrict, pa("shop", { mtls: { mode: "PERMISSIVE" } })), /PERMISSIVE/);
        expectViolations(
            await check(peerAuthenticationStrict, pa("shop", { mtls: { mode: "STRICT" }, portLevelMtls: { 9090: { mode: "DISABLE" } } })),
            /portLevelMtls\[9090\]/,
        );
    });
    it("authorization-policy-no-allow-all flags empty rules and * principals, passes named callers and DENY", async () => {
        expectNone(await check(authorizationPolicyNoAllowAll, authz("shop", {})));
        expectNone(
            await check(
                authorizationPolicyNoAllowAll,
                authz("shop", { rules: [{ from: [{ source: { principals: ["cluster.local/ns/web/sa/web"] } }] }] }),
            ),
        );
        expectNone(
            await check(
                authorizationPolicyNoAllowAll,
                authz("shop", { action: "DENY", rules: [{ from: [{ source: { principals: ["*"] } }] }] }),
            ),
        );
        expectViolations(await check(authorizationPolicyNoAllowAll, authz("shop", { rules: [{}] })), /allows every request/);
        expectViolations(
            await check(
                authorizationPolicyNoAllowAll,
                authz("shop", { action: "ALLOW", rules: [{ from: [{ source: { principals: ["*"] } }] }] }),
            ),
            /principals/,
        );
    });
    it("destination-rule-tls flags DISABLE and insecureSkipVerify anywhere", async () => {
        const dr = (spec: object) => ({ type: "kubernetes:networking.istio.io/v1:DestinationRule", name: "dr", props: { spec } });
        expectNone(await check(destinationRuleTls, dr({ host: "a", trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } } })));
        expectViolations(await check(destinationRuleTls, dr({ host: "a", trafficPolicy: { tls: { mode: "DISABLE" } } })));
        expectViolations(
            await check(
                destinationRuleTls,
                dr({
                    host: "a",
                    subsets: [{ name: "v1", trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: "DISABLE" } }] } }],
                }),
            ),
            /subsets\[0\]/,
        );
        expectViolations(
            await check(destinationRuleTls, dr({ host: "a", trafficPolicy: { tls: { mode: "SIMPLE", insecureSkipVerify: true } } })),
            /insecureSkipVerify/,
        );
    });
    describe("istio:mesh-wide-strict-mtls (stack)", () => {
        it("passes a stack with the root-namespace STRICT policy", async () => {
            expectNone(await checkStack(meshWideStrictMtls, [istiod, pa("istio-system", { mtls: { mode: "STRICT" } })]));
        });
        it("flags an Istio stack without it, or with only a namespaced or selector policy", async () => {
            expectViolations(await checkStack(meshWideStrictMtls, [istiod]));
            expectViolations(await checkStack(meshWideStrictMtls, [istiod, pa("shop", { mtls: { mode: "STRICT" } })]));
            expectViolations(
                await checkStack(meshWideStrictMtls, [
                    istiod,
                    pa("istio-system", { selector: { matchLabels: { app: "x" } }, mtls: { mode: "STRICT" } }),
                ]),
            );
        });
        it("does not fire on a stack without Istio", async () => {
            expectNone(await checkStack(meshWideStrictMtls, [ns("shop"), { type: "aws:s3/bucket:Bucket", name: "b", props: {} }]));
        });
        it("honours a configured root namespace", async () => {
            expectNone(
                await checkStack(meshWideStrictMtls, [pa("mesh-root", { mtls: { mode: "STRICT" } })], { rootNamespace: "mesh-root" }),
            );
        });
    });
    describe("istio:namespace-default-deny (stack)", () => {
        it("passes namespaces with an allow-nothing policy and flags those without", async () => {
            expectNone(await checkStack(namespaceDefaultDenyAuthz, [istiod, ns("shop"), authz("shop", {})]));
            expectViolations(
                await checkStack(namespaceDefaultDenyAuthz, [istiod, ns("shop"), ns("payments"), authz("shop", {})]),
                /"payments"/,
            );
            expectViolations(
                await checkStack(namespaceDefaultDenyAuthz, [
                    istiod,
                    ns("shop"),
                    authz("shop", { rules: [{ from: [{ source: { principals: ["a"] } }] }] }),
                ]),
            );
        });
        it("does not fire on a stack without Istio", async () => {
            expectNone(await checkStack(namespaceDefaultDenyAuthz, [ns("shop")]));
        });
    });
});
