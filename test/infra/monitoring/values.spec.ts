import { strict as assert } from "node:assert";
import { monitoringSchema } from "../../../infra/monitoring/config";
import {
    ALERTMANAGER_CONFIG_SECRET,
    falcoValues,
    gibibytes,
    kubePrometheusStackValues,
    SELECTOR_LABELS,
    trivyOperatorValues,
} from "../../../infra/monitoring/values";

const config = monitoringSchema("prod").parse({ prometheus: { storageSize: "200Gi", storageClass: "gp3" } });
const kps = kubePrometheusStackValues(config, { clusterName: "platform-prod", environment: "prod" });
const falco = falcoValues(config);
const trivy = trivyOperatorValues();

/** Paths of values that switch pod isolation off, as the policy pack looks for them in Release values. */
function isolationSwitches(value: unknown, path = ""): string[] {
    if (Array.isArray(value)) return value.flatMap((v, i) => isolationSwitches(v, `${path}[${i}]`));
    if (typeof value !== "object" || value === null) return [];
    return Object.entries(value).flatMap(([k, v]) => {
        const p = path ? `${path}.${k}` : k;
        if (["privileged", "hostNetwork", "hostPID", "hostIPC", "allowPrivilegeEscalation"].includes(k) && v === true) return [p];
        if (k === "runAsUser" && v === 0) return [p];
        return isolationSwitches(v, p);
    });
}

const at = (value: unknown, path: string): unknown =>
    path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);
const RESTRICTED_POD = (v: unknown) => {
    const pod = v as Record<string, unknown>;
    assert.equal(pod.runAsNonRoot, true);
    assert.ok(typeof pod.runAsUser === "number" && pod.runAsUser > 0);
    assert.deepEqual(pod.seccompProfile, { type: "RuntimeDefault" });
};

describe("monitoring: Helm values", () => {
    it("no chart's values switch pod isolation off", () => {
        assert.deepEqual(isolationSwitches(kps), []);
        assert.deepEqual(isolationSwitches(falco), []);
        assert.deepEqual(isolationSwitches(trivy), []);
    });

    it("kube-prometheus-stack runs restricted, with resources, retention and persistence", () => {
        for (const path of [
            "prometheusOperator.securityContext",
            "kube-state-metrics.securityContext",
            "prometheus.prometheusSpec.securityContext",
            "alertmanager.alertmanagerSpec.securityContext",
            "prometheusOperator.admissionWebhooks.patch.securityContext",
        ]) {
            RESTRICTED_POD(at(kps, path));
        }
        assert.deepEqual(at(kps, "prometheusOperator.containerSecurityContext.capabilities"), { drop: ["ALL"] });
        assert.equal(at(kps, "prometheusOperator.containerSecurityContext.readOnlyRootFilesystem"), true);
        assert.equal(at(kps, "prometheus.prometheusSpec.retention"), "30d");
        assert.equal(at(kps, "prometheus.prometheusSpec.retentionSize"), "180GB");
        assert.equal(at(kps, "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName"), "gp3");
        assert.equal(at(kps, "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage"), "200Gi");
        assert.deepEqual(at(kps, "prometheus.prometheusSpec.resources"), {
            requests: { cpu: "500m", memory: "2Gi" },
            limits: { cpu: "2", memory: "4Gi" },
        });
        assert.equal(at(kps, "prometheus.prometheusSpec.enableAdminAPI"), false);
        assert.equal(at(kps, "grafana.enabled"), false);
        assert.equal(at(kps, "nodeExporter.enabled"), false);
    });

    it("keeps retentionSize under the volume size, whatever unit the size uses", () => {
        assert.equal(gibibytes("100Gi"), 100);
        assert.equal(gibibytes("1Ti"), 1024);
        assert.equal(Math.floor(gibibytes("200G")), 186);
        assert.equal(gibibytes("512Mi"), 0.5);
        const small = kubePrometheusStackValues(monitoringSchema("local").parse({ prometheus: { storageSize: "2Gi" } }), {
            clusterName: "kind",
            environment: "local",
        });
        assert.equal(at(small, "prometheus.prometheusSpec.retentionSize"), "1GB");
        assert.throws(() => monitoringSchema("local").parse({ prometheus: { storageSize: "500Mi" } }), /must be at least 2Gi/);
    });

    it("Alertmanager reads its configuration from the component's Secret, not from values", () => {
        assert.equal(at(kps, "alertmanager.alertmanagerSpec.useExistingSecret"), true);
        assert.equal(at(kps, "alertmanager.alertmanagerSpec.configSecret"), ALERTMANAGER_CONFIG_SECRET);
        assert.equal(at(kps, "alertmanager.config"), undefined);
    });

    it("Falco uses the modern eBPF probe without a privileged container, and falcosidekick exports metrics", () => {
        assert.deepEqual(at(falco, "driver"), { enabled: true, kind: "modern_ebpf", modernEbpf: { leastPrivileged: true } });
        assert.equal(at(falco, "containerSecurityContext"), undefined, "the chart's least-privileged context must not be overridden");
        assert.equal(at(falco, "falcosidekick.enabled"), true);
        assert.deepEqual(at(falco, "falcosidekick.serviceMonitor"), { enabled: true, additionalLabels: SELECTOR_LABELS });
        RESTRICTED_POD(at(falco, "falcosidekick.podSecurityContext"));
        assert.equal(at(falco, "falcosidekick.webui.enabled"), false);
    });

    it("Trivy Operator exports metrics and scans with restricted jobs in its own namespace", () => {
        assert.deepEqual(at(trivy, "serviceMonitor"), { enabled: true, labels: SELECTOR_LABELS, honorLabels: true });
        assert.equal(at(trivy, "operator.infraAssessmentScannerEnabled"), false);
        assert.equal(at(trivy, "trivyOperator.scanJobsInSameNamespace"), false);
        assert.equal(at(trivy, "trivyOperator.scanJobAutomountServiceAccountToken"), false);
        RESTRICTED_POD(at(trivy, "trivyOperator.scanJobPodTemplatePodSecurityContext"));
        RESTRICTED_POD(at(trivy, "podSecurityContext"));
    });
});
