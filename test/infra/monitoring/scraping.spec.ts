import { strict as assert } from "node:assert";
import { parse } from "@cdktf/hcl2json";
import { monitoringSchema } from "../../../infra/monitoring/config";
import { scrapeTargets, sidecarPodMonitor, VAULT_TELEMETRY_HCL, vaultServiceMonitor } from "../../../infra/monitoring/scraping";
import { VAULT_SERVER_FACTS } from "../../../infra/vault/values";
import { validateManifest } from "../../helpers/schemas";

const config = monitoringSchema("prod").parse({});
const monitored = { istioNamespace: "istio-system", vault: VAULT_SERVER_FACTS };

type Relabel = { action: string; sourceLabels: string[]; regex?: string; replacement?: string; targetLabel?: string };

/** Applies a Prometheus `replace` relabeling (anchored regex, ';' separator) the way Prometheus does. */
function relabel(rule: Relabel, labels: Record<string, string>): string | undefined {
    const value = rule.sourceLabels.map((l) => labels[l] ?? "").join(";");
    const match = new RegExp(`^(?:${rule.regex})$`).exec(value);
    if (!match) return undefined;
    return rule.replacement!.replace(/\$(\d+)/g, (_, i: string) => match[Number(i)] ?? "");
}

describe("monitoring: scrape targets", () => {
    it("every ServiceMonitor and PodMonitor validates against the prometheus-operator schema", async () => {
        const targets = scrapeTargets(config, monitored);
        assert.deepEqual(
            targets.map((t) => `${t.kind}/${t.metadata.namespace}/${t.metadata.name}`),
            ["ServiceMonitor/monitoring/istiod", "PodMonitor/monitoring/istio-sidecars", "ServiceMonitor/vault/vault"],
        );
        for (const target of targets) assert.equal(await validateManifest(target), "validated", target.metadata.name);
        assert.equal(scrapeTargets(monitoringSchema("local").parse({ vault: { enabled: false } }), monitored).length, 2);
    });

    it("scrapes every sidecar at the port the injector announces, on IPv4 and IPv6 pods", () => {
        const endpoint = (sidecarPodMonitor(config).spec.podMetricsEndpoints as { path: string; relabelings: Relabel[] }[])[0]!;
        assert.equal(endpoint.path, "/stats/prometheus");
        const address = endpoint.relabelings.filter((r) => r.targetLabel === "__address__");
        const rewrite = (ip: string) =>
            address
                .map((r) => relabel(r, { __meta_kubernetes_pod_annotation_prometheus_io_port: "15020", __meta_kubernetes_pod_ip: ip }))
                .find((a) => a !== undefined);
        assert.equal(rewrite("10.30.4.17"), "10.30.4.17:15020");
        assert.equal(rewrite("fd00:10:30::4"), "[fd00:10:30::4]:15020");
        assert.deepEqual(endpoint.relabelings[0], {
            action: "keep",
            sourceLabels: ["__meta_kubernetes_pod_container_name"],
            regex: "istio-proxy",
        });
    });

    it("scrapes Vault over verified TLS in Prometheus format", () => {
        const endpoint = (vaultServiceMonitor(VAULT_SERVER_FACTS).spec.endpoints as Record<string, unknown>[])[0]!;
        assert.deepEqual(endpoint, {
            port: "https",
            scheme: "https",
            path: "/v1/sys/metrics",
            params: { format: ["prometheus"] },
            interval: "30s",
            tlsConfig: { ca: { configMap: { name: "vault-ca", key: "ca.crt" } }, serverName: "vault.vault.svc" },
        });
    });

    it("the Vault telemetry stanza it relies on is valid HCL that opens only the metrics path", async () => {
        const parsed = (await parse("telemetry.hcl", VAULT_TELEMETRY_HCL)) as {
            telemetry: { prometheus_retention_time: string; disable_hostname: boolean }[];
            listener: { tcp: { telemetry: { unauthenticated_metrics_access: boolean }[] }[] };
        };
        assert.equal(parsed.telemetry[0]!.prometheus_retention_time, "24h");
        assert.equal(parsed.telemetry[0]!.disable_hostname, true);
        assert.equal(parsed.listener.tcp[0]!.telemetry[0]!.unauthenticated_metrics_access, true);
    });
});
