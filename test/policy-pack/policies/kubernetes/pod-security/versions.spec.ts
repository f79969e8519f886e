import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCheckCli } from "../../../../../tools/check";
import { platformConfigOf, policyPackConfigFor } from "../../../../../tools/pack-config";
import { STACKS } from "../../../../helpers/stacks";
import { parsePackConfig, pulumiConfigSchema } from "../../../../../policy-pack/lib/config";
import { allPolicies } from "../../../../../policy-pack/policies";
import {
    clusterVersion,
    KUBERNETES_VERSIONS,
    NEWEST_KUBERNETES,
    pinnedVersion,
} from "../../../../../policy-pack/policies/kubernetes/pod-security/versions";

describe("pod-security versions", () => {
    it("models 1.30 to 1.36, the newest released being the default", () => {
        assert.deepEqual(KUBERNETES_VERSIONS, ["1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36"]);
        assert.equal(NEWEST_KUBERNETES, "1.36");
        assert.deepEqual(clusterVersion({}), { policy: 36, cluster: 36 });
        assert.deepEqual(clusterVersion({ kubernetesVersion: "v1.33" }), { policy: 33, cluster: 33 });
        assert.deepEqual(clusterVersion({ kubernetesVersion: "latest" }), { policy: 36, cluster: 36 });
    });
    it("reads a namespace's enforce-version as PSA does: latest is the cluster's, a higher pin is clamped", () => {
        const cluster = { policy: 33, cluster: 33 };
        assert.deepEqual(pinnedVersion(undefined, cluster), cluster);
        assert.deepEqual(pinnedVersion("latest", cluster), cluster);
        assert.deepEqual(pinnedVersion("v1.31", cluster), { policy: 31, cluster: 33 });
        assert.deepEqual(pinnedVersion("v1.35", cluster), { policy: 33, cluster: 33 });
        assert.equal(pinnedVersion("v1.25", cluster), undefined);
        assert.equal(pinnedVersion("one", cluster), undefined);
    });
    it("accepts kubernetesVersion in every pss policy's config and refuses a version it does not model, naming the key", () => {
        parsePackConfig(
            { "pss:baseline:sysctls": { kubernetesVersion: "1.30" }, "pss:namespace-version": { kubernetesVersion: "latest" } },
            allPolicies,
        );
        for (const bad of ["1.29", "1.37", "v2.0", "latest-1"]) {
            assert.throws(
                () => parsePackConfig({ "pss:restricted:volume-types": { kubernetesVersion: bad } }, allPolicies),
                (e: Error) =>
                    e.message.includes('"pss:restricted:volume-types": kubernetesVersion:') &&
                    e.message.includes(JSON.stringify(bad)) &&
                    e.message.includes('"1.30"') &&
                    e.message.includes('"1.36"'),
                bad,
            );
        }
    });
    it("publishes the valid versions in the JSON schema the Pulumi CLI validates the pack config against", () => {
        const schema = pulumiConfigSchema(allPolicies.find((p) => p.name === "pss:baseline:sysctls")!);
        const property = schema.properties.kubernetesVersion as { type: string; enum: string[] };
        assert.equal(property.type, "string");
        assert.deepEqual(property.enum.slice(0, 3), ["latest", "1.30", "1.31"]);
        assert.ok(property.enum.includes("v1.36") && !property.enum.includes("1.29"));
    });
    it("check --kubernetes-version judges plain manifests at that version; an unmodelled one is exit 2 naming the option", async () => {
        const dir = mkdtempSync(join(tmpdir(), "pss-version-"));
        const pod = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "p", namespace: "apps" },
            spec: {
                securityContext: {
                    runAsNonRoot: true,
                    seccompProfile: { type: "RuntimeDefault" },
                    sysctls: [{ name: "net.ipv4.tcp_rmem", value: "4096" }],
                },
                containers: [
                    {
                        name: "app",
                        image: "registry.example.com/app:1.0.0",
                        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                    },
                ],
            },
        };
        writeFileSync(join(dir, "pod.json"), JSON.stringify(pod));
        const run = async (...args: string[]) => {
            let out = "";
            let err = "";
            const code = await runCheckCli(["pod.json", "--format", "json", ...args], {
                cwd: dir,
                out: async (s) => void (out += s),
                err: async (s) => void (err += s),
            });
            return { code, out, err };
        };
        const sysctlViolations = (out: string) =>
            (JSON.parse(out) as { results: { violations: { policy: string }[] }[] }).results
                .flatMap((r) => r.violations)
                .filter((v) => v.policy === "pss:baseline:sysctls");
        const at131 = await run("--kubernetes-version", "1.31");
        assert.equal(at131.code, 1, at131.err);
        assert.equal(sysctlViolations(at131.out).length, 1);
        const newest = await run();
        assert.equal(sysctlViolations(newest.out).length, 0);
        const bad = await run("--kubernetes-version", "1.29");
        assert.equal(bad.code, 2);
        assert.match(bad.err, /--kubernetes-version.*expected "latest" or one of "1\.30"/);
    });
    it("each stack's generated pack config judges Pod Security at the stack's cluster version", () => {
        for (const stack of STACKS) {
            const version = platformConfigOf(stack).cluster.kubernetesVersion;
            const config = policyPackConfigFor(stack) as Record<string, { kubernetesVersion?: string }>;
            const pss = allPolicies.filter((p) => p.name.startsWith("pss:"));
            assert.ok(pss.length >= 20);
            for (const policy of pss) assert.equal(config[policy.name]?.kubernetesVersion, version, `${stack}: ${policy.name}`);
        }
    });
});
