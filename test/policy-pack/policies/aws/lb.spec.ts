import type * as aws from "@pulumi/aws";
import { LISTENER_TYPES, LOAD_BALANCER_TYPES } from "../../../../policy-pack/lib/aws-types";
import { lbAccessLogs } from "../../../../policy-pack/policies/aws/lb-access-logs";
import { lbDeletionProtection } from "../../../../policy-pack/policies/aws/lb-deletion-protection";
import { lbHttpToHttps } from "../../../../policy-pack/policies/aws/lb-http-to-https";
import { lbModernTlsPolicy } from "../../../../policy-pack/policies/aws/lb-modern-tls-policy";
import { strict as assert } from "node:assert";
import { check, expectNone, expectViolations } from "../../helpers";

const LB_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
const redirect: aws.lb.ListenerArgs = {
    loadBalancerArn: LB_ARN,
    port: 80,
    protocol: "HTTP",
    defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
};
const https: aws.lb.ListenerArgs = {
    loadBalancerArn: LB_ARN,
    port: 443,
    protocol: "HTTPS",
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/1",
    defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }],
};
const secureLb: aws.lb.LoadBalancerArgs = {
    loadBalancerType: "application",
    internal: false,
    subnets: ["subnet-1", "subnet-2"],
    accessLogs: { bucket: "lb-logs-prod", prefix: "web", enabled: true },
    enableDeletionProtection: true,
    dropInvalidHeaderFields: true,
};

describe("aws load balancer policies (aws.lb, aws.alb and the legacy tokens)", () => {
    it("bind the current tokens and the legacy aliases", () => {
        assert.ok(
            LISTENER_TYPES.includes("aws:lb/listener:Listener") && LISTENER_TYPES.includes("aws:elasticloadbalancingv2/listener:Listener"),
        );
        for (const type of LISTENER_TYPES) assert.ok(lbHttpToHttps.appliesTo(type) && lbModernTlsPolicy.appliesTo(type), type);
        for (const type of LOAD_BALANCER_TYPES) assert.ok(lbAccessLogs.appliesTo(type) && lbDeletionProtection.appliesTo(type), type);
        assert.ok(!lbAccessLogs.appliesTo("aws:elb/loadBalancer:LoadBalancer"));
    });

    it("aws:lb-http-to-https: HTTP listeners only redirect to HTTPS", async () => {
        for (const type of LISTENER_TYPES) {
            const listener = (props: aws.lb.ListenerArgs) => ({ type, name: "l", props });
            expectNone(await check(lbHttpToHttps, listener(redirect)));
            expectNone(await check(lbHttpToHttps, listener(https)));
            expectViolations(
                await check(lbHttpToHttps, listener({ ...redirect, defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }] })),
                /defaultActions\[0\] \(forward\) serves plain HTTP/,
            );
            // Without a protocol an ALB listener is HTTP.
            const { protocol: _protocol, ...noProtocol } = redirect;
            expectViolations(
                await check(
                    lbHttpToHttps,
                    listener({
                        ...noProtocol,
                        defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "200" } }],
                    }),
                ),
            );
            expectViolations(
                await check(
                    lbHttpToHttps,
                    listener({
                        ...redirect,
                        defaultActions: [{ type: "redirect", redirect: { host: "example.com", statusCode: "HTTP_302" } }],
                    }),
                ),
                /instead of redirecting to HTTPS/,
            );
            // A Gateway Load Balancer listener has neither protocol nor port.
            expectNone(
                await check(
                    lbHttpToHttps,
                    listener({ loadBalancerArn: LB_ARN, defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }] }),
                ),
            );
        }
    });

    it("aws:lb-modern-tls-policy: TLS 1.2 or later on HTTPS and TLS listeners", async () => {
        const listener = (props: aws.lb.ListenerArgs) => ({ type: "aws:lb/listener:Listener", name: "l", props });
        for (const sslPolicy of [
            "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "ELBSecurityPolicy-TLS13-1-3-2021-06",
            "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
            "ELBSecurityPolicy-FS-1-2-Res-2020-10",
        ])
            expectNone(await check(lbModernTlsPolicy, listener({ ...https, sslPolicy })));
        for (const sslPolicy of [
            "ELBSecurityPolicy-2016-08",
            "ELBSecurityPolicy-TLS13-1-0-2021-06",
            "ELBSecurityPolicy-TLS13-1-1-2021-06",
            "ELBSecurityPolicy-FS-1-1-2019-08",
        ])
            expectViolations(await check(lbModernTlsPolicy, listener({ ...https, sslPolicy })), /older than TLS 1\.2/);
        const { sslPolicy: _sslPolicy, ...noPolicy } = https;
        expectViolations(await check(lbModernTlsPolicy, listener(noPolicy)), /ELBSecurityPolicy-2016-08/);
        expectViolations(await check(lbModernTlsPolicy, listener({ ...noPolicy, protocol: "TLS", port: 8443 })), /sslPolicy is not set/);
        expectNone(await check(lbModernTlsPolicy, listener(redirect)));
        expectNone(
            await check(lbModernTlsPolicy, listener({ ...https, sslPolicy: "Org-Reviewed-Policy" }), {
                allowedSslPolicies: ["Org-Reviewed-Policy"],
            }),
        );
    });

    it("aws:lb-access-logs: application and network load balancers, not gateways", async () => {
        for (const type of LOAD_BALANCER_TYPES) {
            const lb = (props: aws.lb.LoadBalancerArgs) => ({ type, name: "lb", props });
            expectNone(await check(lbAccessLogs, lb(secureLb)));
            expectViolations(await check(lbAccessLogs, lb({ ...secureLb, accessLogs: undefined })), /accessLogs is not enabled/);
            expectViolations(
                await check(lbAccessLogs, lb({ ...secureLb, accessLogs: { bucket: "lb-logs-prod", enabled: false } })),
                /accessLogs/,
            );
            expectViolations(await check(lbAccessLogs, lb({ loadBalancerType: "network", subnets: ["subnet-1"] })), /accessLogs/);
            expectNone(await check(lbAccessLogs, lb({ loadBalancerType: "gateway", subnets: ["subnet-1"] })));
        }
    });

    it("aws:lb-deletion-protection: in production stacks", async () => {
        const lb = (props: aws.lb.LoadBalancerArgs) => ({ type: "aws:lb/loadBalancer:LoadBalancer", name: "lb", props });
        expectNone(await check(lbDeletionProtection, lb(secureLb)));
        expectViolations(
            await check(lbDeletionProtection, lb({ ...secureLb, enableDeletionProtection: false })),
            /enableDeletionProtection is not true/,
        );
        expectViolations(await check(lbDeletionProtection, lb({ subnets: ["subnet-1"] }), { production: true }));
        expectNone(await check(lbDeletionProtection, lb({ subnets: ["subnet-1"] }), { production: false }));
    });
});
