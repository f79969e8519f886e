import { strict as assert } from "node:assert";
import { parsePlatformConfig } from "../../../infra/config";
import { DEFAULT_CHART_VERSIONS, monitoringSchema } from "../../../infra/monitoring/config";
import { configProblems, rawStackConfig } from "../../helpers/config";

const rawOf = (stack: string) => rawStackConfig(stack);
const problems = (stack: string, monitoring: unknown): string[] => configProblems(stack, { ...rawOf(stack), monitoring });

const CREDENTIAL = "https://hooks.slack.com/services/T000/B000/very-secret-token";

describe("monitoring: configuration", () => {
    it("has secure defaults per environment, with pinned chart versions", () => {
        const dev = monitoringSchema("dev").parse({});
        const prod = monitoringSchema("prod").parse({});
        assert.equal(dev.enabled, true);
        assert.deepEqual(dev.charts, {
            kubePrometheusStack: { version: DEFAULT_CHART_VERSIONS.kubePrometheusStack },
            falco: { version: DEFAULT_CHART_VERSIONS.falco },
            trivyOperator: { version: DEFAULT_CHART_VERSIONS.trivyOperator },
        });
        assert.equal(prod.prometheus.replicas, 2);
        assert.equal(prod.alertmanager.replicas, 3);
        assert.equal(prod.logRetention.vaultAuditDays, 365);
        assert.equal(dev.logRetention.istioAccessLogDays, 90);
        assert.equal(prod.thresholds.unauthorizedAccessPerSecond, 10);
        assert.equal(prod.thresholds.unauthorizedAccessFor, "5m");
    });

    it("every stack file's monitoring block is valid", () => {
        for (const stack of ["local", "dev", "staging", "prod"]) {
            const config = parsePlatformConfig(stack, rawOf(stack));
            assert.equal(config.monitoring.enabled, true, stack);
        }
    });

    it("prod without a receiver for critical alerts is refused, naming the key", () => {
        const found = problems("prod", {
            alertmanager: { receivers: [{ name: "chat", type: "slack", severities: ["warning"], url: CREDENTIAL }] },
        });
        assert.equal(found.length, 1);
        assert.match(found[0]!, /^secure-platform:monitoring\.alertmanager\.receivers: prod needs a receiver for severity critical/);
    });

    it("keys whose facts the mesh and Vault own are refused, saying where each fact lives", () => {
        const found = problems("dev", {
            istioNamespace: "istio-control",
            vault: { namespace: "secrets", caConfigMapName: "ca", caKey: "ca.pem" },
        });
        assert.equal(found.length, 4, found.join("\n"));
        assert.match(
            found[0]!,
            /^secure-platform:monitoring\.istioNamespace: is no longer a monitoring key: .*set secure-platform:mesh\.rootNamespace/,
        );
        for (const [i, key] of ["namespace", "caConfigMapName", "caKey"].entries()) {
            assert.match(
                found[i + 1]!,
                new RegExp(`^secure-platform:monitoring\\.vault\\.${key}: is no longer a monitoring key: the Vault component owns`),
            );
        }
    });

    it("switching monitoring off in prod is refused", () => {
        assert.match(
            problems("prod", { enabled: false }).join("\n"),
            /secure-platform:monitoring\.enabled: security monitoring cannot be switched off in prod/,
        );
    });

    it("a receiver error names the key and hides the value", () => {
        const found = problems("dev", {
            alertmanager: { receivers: [{ name: "chat", type: "slack", url: CREDENTIAL, routingKey: "also-secret-key", colour: "red" }] },
        });
        const text = found.join("\n");
        assert.match(text, /secure-platform:monitoring\.alertmanager\.receivers\[0\]: Unrecognized key: "colour"/);
        assert.doesNotMatch(text, /very-secret-token|also-secret-key/);
        const missing = problems("dev", { alertmanager: { receivers: [{ name: "oncall", type: "pagerduty" }] } });
        assert.match(missing.join("\n"), /receivers\[0\]\.routingKey: a pagerduty receiver needs routingKey/);
    });

    it("rejects chart version ranges, plain-http runbook links, duplicate names and shared namespaces", () => {
        const text = problems("dev", {
            charts: { falco: { version: "^9.0.0" } },
            runbookBaseUrl: "http://wiki.example.com",
            falcoNamespace: "monitoring",
            alertmanager: {
                receivers: [
                    { name: "a", type: "webhook", url: CREDENTIAL },
                    { name: "a", type: "webhook", url: CREDENTIAL },
                ],
            },
        }).join("\n");
        assert.match(text, /monitoring\.charts\.falco\.version: must be an exact chart version/);
        assert.match(text, /monitoring\.runbookBaseUrl: must be an https URL/);
        assert.match(text, /monitoring\.alertmanager\.receivers\[1\]\.name: is used by another receiver/);
        assert.match(text, /monitoring\.namespace: monitoring, falcoNamespace and trivyNamespace must differ/);
    });
});
