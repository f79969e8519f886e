// bench:policy's floor: the replay pack answers each resource exactly as the real pack does, having
// judged nothing, so its rate is what serving those findings costs the CrossGuard server itself.
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { reported, startReplay } from "../../../bench/policy/replay";
import { awsResources } from "../../../bench/policy/aws-resources";
import { analyze, startPack, type AnalyzedResource, type RunningPack } from "../../../tools/policy-server/analyzer";
import { POD_KINDS, restrictedPod } from "../../policy-pack/helpers";

describe("bench:policy: the replay pack", function () {
    this.timeout(120_000);
    const packs: RunningPack[] = [];
    after(async () => {
        for (const p of packs) await p.stop();
    });

    it("reports what the real pack reports, finding for finding, and nothing for a resource it has no findings for", async () => {
        const spec = restrictedPod();
        spec.containers[0].securityContext.privileged = true;
        const deployment: AnalyzedResource = {
            type: "kubernetes:apps/v1:Deployment",
            name: "web",
            props: { ...POD_KINDS.find((k) => k.kind === "Deployment")!.wrap(spec, {}), metadata: { name: "web", namespace: "shop" } },
        };
        const others = awsResources(20) as AnalyzedResource[];
        const ours = await startPack(join(__dirname, "..", "..", "..", "policy-pack"), "tsx");
        packs.push(ours);
        let findings = 0;
        for (const r of [deployment, ...others]) findings += (await analyze(ours.client, r)).getDiagnosticsList().length;
        assert.ok(findings > 5, `the resources carry findings to replay (${findings})`);

        // Only the Deployment's findings are recorded (startReplay checks it answers the Deployment as ours
        // does): the others must come back with none.
        const replay = await startReplay(ours, [deployment], "tsx");
        packs.push(replay);
        const expected = reported(await analyze(ours.client, deployment));
        assert.deepEqual(reported(await analyze(replay.client, deployment)), expected);
        assert.ok(expected.some((d) => d.startsWith("pss:baseline:privileged-containers | ")));
        for (const r of others) assert.deepEqual(reported(await analyze(replay.client, r)), [], r.name);
    });
});
