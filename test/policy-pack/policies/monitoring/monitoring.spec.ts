import { runtimeDetection } from "../../../../policy-pack/policies/monitoring/runtime-detection";
import { unauthorizedAccessAlert } from "../../../../policy-pack/policies/monitoring/unauthorized-access-alert";
import { checkStack, expectNone, expectViolations } from "../../helpers";

const SPEC = {
    alert: "UnauthorizedAccess",
    expr: 'rate(istio_requests_total{response_code="403"}[5m]) > 10',
    for: "5m",
    labels: { severity: "critical" },
};
const rules = (...alerts: object[]) => ({
    type: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
    name: "security-alerts",
    props: {
        metadata: { name: "security-alerts", namespace: "monitoring" },
        spec: {
            groups: [
                {
                    name: "SecurityAlerts",
                    rules: [
                        { alert: "VaultSealed", expr: "vault_core_unsealed == 0", for: "1m", labels: { severity: "critical" } },
                        ...alerts,
                    ],
                },
            ],
        },
    },
});
const istio = {
    type: "kubernetes:security.istio.io/v1:PeerAuthentication",
    name: "default",
    props: { metadata: { name: "default", namespace: "istio-system" }, spec: { mtls: { mode: "STRICT" } } },
};
const release = (chart: string) => ({ type: "kubernetes:helm.sh/v3:Release", name: chart, props: { chart, version: "1.0.0", values: {} } });

describe("monitoring", () => {
    describe("monitoring:unauthorized-access-alert", () => {
        it("passes the alert as specified, and a more sensitive one", async () => {
            expectNone(await checkStack(unauthorizedAccessAlert, [istio, rules(SPEC)]));
            expectNone(
                await checkStack(unauthorizedAccessAlert, [
                    istio,
                    rules({ ...SPEC, expr: 'rate( istio_requests_total{response_code="403"}[5m] ) > 5', for: "2m" }),
                ]),
            );
        });
        it("does not apply without Istio or without PrometheusRules", async () => {
            expectNone(await checkStack(unauthorizedAccessAlert, [rules()]));
            expectNone(await checkStack(unauthorizedAccessAlert, [istio]));
        });
        it("flags the alert missing", async () => {
            expectViolations(await checkStack(unauthorizedAccessAlert, [istio, rules()]), /no rule alerts UnauthorizedAccess/);
        });
        it("flags a raised threshold, a longer wait, a lower severity and another expression", async () => {
            expectViolations(
                await checkStack(unauthorizedAccessAlert, [
                    istio,
                    rules({ ...SPEC, expr: 'rate(istio_requests_total{response_code="403"}[5m]) > 1000' }),
                ]),
                /threshold 1000/,
            );
            expectViolations(await checkStack(unauthorizedAccessAlert, [istio, rules({ ...SPEC, for: "1h" })]), /longer than 5m/);
            expectViolations(
                await checkStack(unauthorizedAccessAlert, [istio, rules({ ...SPEC, labels: { severity: "warning" } })]),
                /not critical/,
            );
            expectViolations(
                await checkStack(unauthorizedAccessAlert, [
                    istio,
                    rules({ ...SPEC, expr: 'rate(istio_requests_total{response_code="404"}[5m]) > 10' }),
                ]),
                /is not rate/,
            );
        });
        it("accepts a lower maxThreshold setting as stricter", async () => {
            expectViolations(await checkStack(unauthorizedAccessAlert, [istio, rules(SPEC)], { maxThreshold: 5 }), /above 5/);
        });
    });
    describe("monitoring:runtime-detection", () => {
        it("passes a monitored stack that runs Falco, and a stack without security monitoring", async () => {
            expectNone(await checkStack(runtimeDetection, [rules(SPEC), release("falco")]));
            expectNone(
                await checkStack(runtimeDetection, [
                    release("kube-prometheus-stack"),
                    {
                        type: "kubernetes:apps/v1:DaemonSet",
                        name: "falco",
                        props: { metadata: { name: "falco", namespace: "falco" }, spec: {} },
                    },
                ]),
            );
            expectNone(await checkStack(runtimeDetection, [release("vault")]));
        });
        it("flags security monitoring without Falco", async () => {
            expectViolations(await checkStack(runtimeDetection, [rules(SPEC)]), /no Falco/);
            expectViolations(await checkStack(runtimeDetection, [release("kube-prometheus-stack"), release("trivy-operator")]), /no Falco/);
        });
    });
});
