// bench:policy's floor: the replay pack answers each resource exactly as the real pack does, having
// judged nothing, so its rate is what serving those findings costs the CrossGuard server itself.
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordFindings, reported } from "../../../bench/policy/replay";
import { awsResources } from "../../../bench/policy/aws-resources";
import { analyze, startPack, urnOf, type AnalyzedResource, type RunningPack } from "../../../tools/policy-server/analyzer";
import { POD_KINDS, restrictedPod } from "../../policy-pack/helpers";

describe("bench:policy: the replay pack", function () {
    this.timeout(120_000);
    const packs: RunningPack[] = [];
    let dir: string | undefined;
    after(async () => {
        for (const p of packs) await p.stop();
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("reports what the real pack reports, finding for finding, and nothing for a resource it has no findings for", async () => {
        const spec = restrictedPod();
        spec.containers[0].securityContext.privileged = true;
        const resources: AnalyzedResource[] = [
            {
                type: "kubernetes:apps/v1:Deployment",
                name: "web",
                props: { ...POD_KINDS.find((k) => k.kind === "Deployment")!.wrap(spec, {}), metadata: { name: "web", namespace: "shop" } },
            },
            ...(awsResources(20) as AnalyzedResource[]),
        ];
        const ours = await startPack(join(__dirname, "..", "..", "..", "policy-pack"), "tsx");
        packs.push(ours);
        const responses = [];
        for (const r of resources) responses.push({ urn: urnOf(r), response: await analyze(ours.client, r) });
        const findings = responses.reduce((n, r) => n + r.response.getDiagnosticsList().length, 0);
        assert.ok(findings > 5, `the resources carry findings to replay (${findings})`);

        dir = mkdtempSync(join(tmpdir(), "replay-spec-"));
        const file = join(dir, "findings.json");
        // Only the Deployment's findings are recorded: the others must come back with none.
        writeFileSync(file, JSON.stringify(recordFindings("secure-platform-baseline", responses.slice(0, 1))));
        process.env.REPLAY_FINDINGS = file;
        const replay = await startPack(join(__dirname, "..", "..", "..", "bench", "policy", "replay-pack"), "tsx");
        packs.push(replay);
        delete process.env.REPLAY_FINDINGS;
        assert.deepEqual(reported(await analyze(replay.client, resources[0])), reported(responses[0].response));
        assert.ok(reported(responses[0].response).some((d) => d.startsWith("pss:baseline:privileged-containers | ")));
        for (const r of resources.slice(1)) assert.deepEqual(reported(await analyze(replay.client, r)), [], r.name);
    });
});
