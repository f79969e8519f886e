import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CHART_REPOS } from "../../../infra/monitoring/config";
import { SIDECAR_METRICS_PORTS } from "../../../infra/monitoring/network";
import type { RuleGroup } from "../../../infra/monitoring/rules";
import type { RenderedResource, RenderedStack } from "../../../tools/render/render";
import { readStackFile, REPO_ROOT } from "../../../tools/render/stack-file";
import { validateManifest } from "../../helpers/schemas";
import { rendered, renderWith, STACKS } from "../../helpers/stacks";

const COMPONENT = "secure-platform:monitoring:SecurityMonitoring";

function component(stack: RenderedStack): RenderedResource {
    const found = stack.resources.filter((r) => r.type === COMPONENT);
    assert.equal(found.length, 1, `${stack.stack}: one ${COMPONENT}`);
    return found[0]!;
}
const children = (stack: RenderedStack) => stack.resources.filter((r) => r.parent === component(stack).urn);
const ofKind = (stack: RenderedStack, kind: string) => children(stack).filter((r) => r.inputs.kind === kind);
const releases = (stack: RenderedStack) => children(stack).filter((r) => r.type === "kubernetes:helm.sh/v3:Release");

describe("monitoring: rendered stacks", () => {
    for (const name of STACKS) {
        describe(name, () => {
            it("installs the three charts, pinned, from their repositories, with values visible to the policy pack", async () => {
                const stack = await rendered(name);
                const byChart: Record<string, Record<string, unknown>> = Object.fromEntries(
                    releases(stack).map((r) => [String(r.inputs.chart), r.inputs]),
                );
                assert.deepEqual(Object.keys(byChart).sort(), ["falco", "kube-prometheus-stack", "trivy-operator"]);
                assert.equal((byChart["kube-prometheus-stack"]!.repositoryOpts as { repo: string }).repo, CHART_REPOS.kubePrometheusStack);
                assert.equal((byChart.falco!.repositoryOpts as { repo: string }).repo, CHART_REPOS.falco);
                assert.equal((byChart["trivy-operator"]!.repositoryOpts as { repo: string }).repo, CHART_REPOS.trivyOperator);
                for (const inputs of Object.values(byChart)) {
                    assert.match(String(inputs.version), /^\d+\.\d+\.\d+$/);
                    assert.equal(typeof inputs.values, "object", "values must not be secret: the policy pack judges them");
                    assert.equal(inputs.atomic, true);
                }
            });

            it("every object validates against its published schema (PrometheusRule, monitors, NetworkPolicies, namespaces)", async () => {
                const stack = await rendered(name);
                const objects = children(stack).filter((r) => r.type.startsWith("kubernetes:") && typeof r.inputs.kind === "string");
                assert.ok(objects.length > 20);
                for (const object of objects) {
                    const manifest = JSON.parse(JSON.stringify(object.inputs).replaceAll('"[secret]"', "{}")) as Record<string, unknown>;
                    assert.equal(await validateManifest(manifest), "validated", `${object.type} ${object.name}`);
                }
                assert.equal(ofKind(stack, "PrometheusRule").length, 5);
                assert.ok(ofKind(stack, "PodMonitor").length === 1 && ofKind(stack, "ServiceMonitor").length >= 1);
            });

            it("renders UnauthorizedAccess exactly, and every runbook_url names a playbook in the repo", async () => {
                const stack = await rendered(name);
                const groups = ofKind(stack, "PrometheusRule").flatMap((r) => (r.inputs.spec as { groups: RuleGroup[] }).groups);
                const rules = groups.flatMap((g) => g.rules);
                const unauthorized = rules.find((r) => "alert" in r && r.alert === "UnauthorizedAccess");
                assert.deepEqual(
                    unauthorized && {
                        expr: unauthorized.expr,
                        for: "for" in unauthorized ? unauthorized.for : undefined,
                        severity: "labels" in unauthorized ? unauthorized.labels.severity : undefined,
                    },
                    { expr: 'rate(istio_requests_total{response_code="403"}[5m]) > 10', for: "5m", severity: "critical" },
                );
                for (const rule of rules) {
                    if (!("alert" in rule)) continue;
                    const match = /^https:\/\/[^ ]+?\/(docs\/runbooks\/[a-z-]+\.md)$/.exec(rule.annotations.runbook_url);
                    assert.ok(match, `${rule.alert}: ${rule.annotations.runbook_url}`);
                    assert.ok(existsSync(join(REPO_ROOT, match[1]!)), `${rule.alert}: ${match[1]} is not in the repository`);
                }
                assert.deepEqual(
                    [...(stack.outputs.securityAlerts as string[])].sort(),
                    rules
                        .filter((r) => "alert" in r)
                        .map((r) => ("alert" in r ? r.alert : ""))
                        .sort(),
                );
            });

            it("isolates its namespaces with default deny and lets Prometheus reach only the sidecar ports of application namespaces", async () => {
                const stack = await rendered(name);
                const policies = ofKind(stack, "NetworkPolicy").map(
                    (r) =>
                        r.inputs as {
                            metadata: { name: string; namespace: string };
                            spec: { podSelector: object; policyTypes: string[]; ingress?: { ports?: { port: number }[] }[] };
                        },
                );
                const namespaces = ofKind(stack, "Namespace").map((r) => (r.inputs.metadata as { name: string }).name);
                assert.deepEqual(namespaces.sort(), ["falco", "monitoring", "trivy-system"]);
                for (const ns of namespaces) {
                    const deny = policies.find((p) => p.metadata.namespace === ns && p.metadata.name === "default-deny-all");
                    assert.deepEqual(deny?.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, `${ns} default deny`);
                }
                const vaultPolicies = policies.filter((p) => p.metadata.namespace === "vault");
                if (name === "local") assert.deepEqual(vaultPolicies, [], "local scrapes no Vault");
                else {
                    assert.deepEqual(
                        vaultPolicies.map((p) => p.metadata.name),
                        ["allow-prometheus-vault-metrics"],
                    );
                    assert.deepEqual(
                        vaultPolicies[0]!.spec.ingress!.flatMap((i) => i.ports!.map((p) => p.port)),
                        [8200],
                    );
                }
                const appNamespaces = stack.resources
                    .filter((r) => r.type === "secure-platform:namespaces:AppNamespace")
                    .map((r) => r.name);
                assert.ok(appNamespaces.length > 0);
                for (const ns of appNamespaces) {
                    const allow = policies.filter((p) => p.metadata.namespace === ns);
                    assert.equal(allow.length, 1, `${ns}: one monitoring policy`);
                    assert.deepEqual(allow[0]!.spec.policyTypes, ["Ingress"]);
                    assert.deepEqual(
                        allow[0]!.spec.ingress!.flatMap((i) => i.ports!.map((p) => p.port)),
                        [...SIDECAR_METRICS_PORTS],
                    );
                    assert.deepEqual((allow[0]!.spec.ingress![0] as { from: unknown[] }).from, [
                        {
                            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
                            podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
                        },
                    ]);
                }
            });

            it("sets Pod Security restricted everywhere but Falco, whose namespace states why", async () => {
                const stack = await rendered(name);
                for (const ns of ofKind(stack, "Namespace")) {
                    const metadata = ns.inputs.metadata as {
                        name: string;
                        labels: Record<string, string>;
                        annotations: Record<string, string>;
                    };
                    const level = metadata.labels["pod-security.kubernetes.io/enforce"];
                    if (metadata.name === "falco") {
                        assert.equal(level, "privileged");
                        assert.match(
                            metadata.annotations["secure-platform/pod-security-reason"]!,
                            /BPF, PERFMON, SYS_RESOURCE and SYS_PTRACE/,
                        );
                    } else {
                        assert.equal(level, "restricted", metadata.name);
                    }
                    assert.equal(metadata.labels["istio-injection"], "disabled");
                }
            });
        });
    }

    it("dev can switch monitoring off; nothing of it is rendered then", async () => {
        const stack = await renderWith("dev", { "secure-platform:monitoring": JSON.stringify({ enabled: false }) });
        assert.equal(stack.resources.filter((r) => r.type === COMPONENT).length, 0);
        const charts = stack.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart);
        assert.deepEqual(
            charts.filter((c) => ["kube-prometheus-stack", "falco", "trivy-operator"].includes(String(c))),
            [],
        );
        assert.equal(
            stack.resources.some((r) => r.type.startsWith("kubernetes:monitoring.coreos.com/")),
            false,
        );
        assert.equal(stack.outputs.securityAlerts, undefined);
    });

    it("receiver URLs and keys appear only in secret inputs", async () => {
        const slack = "https://hooks.slack.com/services/T0SECRET/B0SECRET/slack-webhook-credential";
        const pagerduty = "pagerduty-routing-key-credential";
        const monitoring = JSON.parse(readStackFile("prod").config["secure-platform:monitoring"]!) as {
            alertmanager: { receivers: Record<string, unknown>[] };
        };
        monitoring.alertmanager.receivers = [
            { name: "security-oncall", type: "pagerduty", severities: ["critical"], routingKey: pagerduty },
            { name: "security-slack", type: "slack", severities: ["critical", "warning"], url: slack },
        ];
        const stack = await renderWith("prod", { "secure-platform:monitoring": JSON.stringify(monitoring) });
        const visible = JSON.stringify(stack.resources) + JSON.stringify(stack.outputs);
        assert.equal(visible.includes(slack), false, "Slack URL in a non-secret input");
        assert.equal(visible.includes(pagerduty), false, "PagerDuty key in a non-secret input");

        const secret = ofKind(stack, "Secret");
        assert.equal(secret.length, 1);
        assert.equal(secret[0]!.inputs.stringData, "[secret]");
        const revealed = stack.secretInputs.get(secret[0]!.urn)!.stringData as Record<string, string>;
        const config = parse(revealed["alertmanager.yaml"]!) as {
            receivers: { name: string; slack_configs?: { api_url: string }[]; pagerduty_configs?: { routing_key: string }[] }[];
        };
        assert.equal(config.receivers.find((r) => r.name === "security-slack")!.slack_configs![0]!.api_url, slack);
        assert.equal(config.receivers.find((r) => r.name === "security-oncall")!.pagerduty_configs![0]!.routing_key, pagerduty);
    });

    it("follows the mesh's root namespace: mesh.rootNamespace istio-control is scraped and selected by the mesh alerts", async () => {
        const mesh = {
            ...(JSON.parse(readStackFile("prod").config["secure-platform:mesh"] ?? "{}") as object),
            rootNamespace: "istio-control",
        };
        const stack = await renderWith("prod", { "secure-platform:mesh": JSON.stringify(mesh) });
        const istiod = ofKind(stack, "ServiceMonitor").find((r) => (r.inputs.metadata as { name: string }).name === "istiod")!;
        assert.deepEqual((istiod.inputs.spec as { namespaceSelector: unknown }).namespaceSelector, { matchNames: ["istio-control"] });
        const alerts = ofKind(stack, "PrometheusRule")
            .flatMap((r) => (r.inputs.spec as { groups: RuleGroup[] }).groups.flatMap((g) => g.rules))
            .filter((r) => "alert" in r && r.alert.startsWith("MeshRoot"));
        assert.equal(alerts.length, 1);
        assert.match(alerts[0]!.expr, /citadel_server_root_cert_expiry_timestamp\{namespace="istio-control"\}/);
        // Nothing monitoring creates still points at the default namespace.
        assert.deepEqual(
            children(stack)
                .filter((r) => JSON.stringify(r.inputs).includes("istio-system"))
                .map((r) => r.name),
            [],
        );
    });

    // The resources `npm run plan -- --stack prod --format json` prints (test/tools/plan.spec.ts runs the command itself).
    it("the prod plan shows the three charts and the rules, UnauthorizedAccess included", async () => {
        const plan = await rendered("prod");
        const charts = plan.resources
            .filter((r) => r.type === "kubernetes:helm.sh/v3:Release")
            .map((r) => r.inputs.chart)
            .sort();
        assert.deepEqual(
            charts.filter((c) => ["falco", "kube-prometheus-stack", "trivy-operator"].includes(String(c))),
            ["falco", "kube-prometheus-stack", "trivy-operator"],
        );
        const rules = plan.resources.filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
        assert.ok(rules.length >= 5);
        const alerts = rules.flatMap((r) => (r.inputs.spec as { groups: RuleGroup[] }).groups.flatMap((g) => g.rules));
        const unauthorized = alerts.find((r) => "alert" in r && r.alert === "UnauthorizedAccess");
        assert.ok(unauthorized && "alert" in unauthorized);
        assert.deepEqual(
            {
                expr: unauthorized.expr,
                for: unauthorized.for,
                labels: unauthorized.labels,
                description: unauthorized.annotations.description,
            },
            {
                expr: 'rate(istio_requests_total{response_code="403"}[5m]) > 10',
                for: "5m",
                labels: { severity: "critical" },
                description: "High rate of unauthorized access attempts",
            },
        );
    });

    it("lists every privilege Falco and the operator need as a policy-pack exemption with a reason", () => {
        const exemptions = JSON.parse(readFileSync(join(REPO_ROOT, "policy-pack", "config", "exemptions.monitoring.json"), "utf8")) as {
            policy: string;
            namespace?: string;
            name?: string;
            reason: string;
        }[];
        for (const e of exemptions) {
            assert.match(e.policy, /^(pss:(baseline|restricted)|k8s:[a-z-]+):[a-z-]+$/, e.policy);
            assert.ok(e.namespace ?? e.name, `${e.policy}: names a namespace or a resource`);
            assert.ok(e.reason.length >= 40, `${e.policy}: a written reason`);
        }
        const falco = exemptions
            .filter((e) => e.namespace === "falco")
            .map((e) => e.policy)
            .sort();
        assert.deepEqual(falco, [
            "k8s:containers:read-only-root-filesystem",
            "pss:baseline:apparmor",
            "pss:baseline:capabilities",
            "pss:baseline:hostpath-volumes",
            "pss:restricted:capabilities",
            "pss:restricted:privilege-escalation",
            "pss:restricted:running-as-non-root",
            "pss:restricted:seccomp",
            "pss:restricted:volume-types",
        ]);
        // Nothing else is exempted by namespace: the other namespaces run restricted.
        assert.deepEqual([...new Set(exemptions.flatMap((e) => (e.namespace ? [e.namespace] : [])))], ["falco"]);
        const docs = readFileSync(join(REPO_ROOT, "docs", "monitoring.md"), "utf8");
        for (const e of exemptions) assert.ok(docs.includes(e.policy), `${e.policy} is documented in docs/monitoring.md`);
    });
});
