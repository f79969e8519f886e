import { noNodePort } from "../../../../../policy-pack/policies/kubernetes/service-exposure/no-node-port";
import { noPublicLoadBalancer } from "../../../../../policy-pack/policies/kubernetes/service-exposure/no-public-load-balancer";
import { check, expectNone, expectViolations } from "../../../helpers";

const service = (spec: object, annotations: object = {}) => ({
    type: "kubernetes:core/v1:Service",
    name: "s",
    props: { metadata: { name: "s", annotations }, spec },
});

describe("k8s:service-exposure", () => {
    it("no-node-port flags NodePort and passes ClusterIP", async () => {
        expectViolations(await check(noNodePort, service({ type: "NodePort" })));
        expectNone(await check(noNodePort, service({ type: "ClusterIP" })));
    });
    it("no-public-load-balancer passes internal or source-restricted load balancers", async () => {
        expectNone(
            await check(
                noPublicLoadBalancer,
                service({ type: "LoadBalancer" }, { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }),
            ),
        );
        expectNone(await check(noPublicLoadBalancer, service({ type: "LoadBalancer", loadBalancerSourceRanges: ["203.0.113.0/24"] })));
    });
    it("no-public-load-balancer flags an internet-facing load balancer", async () => {
        expectViolations(await check(noPublicLoadBalancer, service({ type: "LoadBalancer" })), /internet/);
        expectViolations(
            await check(
                noPublicLoadBalancer,
                service(
                    { type: "LoadBalancer", loadBalancerSourceRanges: ["0.0.0.0/0"] },
                    { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" },
                ),
            ),
        );
    });
});
