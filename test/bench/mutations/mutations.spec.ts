import { strict as assert } from "node:assert";
import { baseline, runMutation, type MutationBaseline } from "../../../bench/mutations/kill";
import { MUTATIONS, type Area } from "../../../bench/mutations/mutations";
import { REFERENCE_CHECKS } from "../../helpers/references";
import { rendered } from "../../helpers/stacks";

const AREAS: Area[] = ["mesh", "kubernetes", "vault", "aws", "helm", "admission", "monitoring", "references"];

describe("bench/mutations: every insecure change to the prod stack is caught", () => {
    let base: MutationBaseline;
    before(async () => {
        base = await baseline("prod", await rendered("prod"));
    });

    it("has at least 45 mutations, with unique ids, across every area", () => {
        assert.ok(MUTATIONS.length >= 45, `${MUTATIONS.length} mutations`);
        assert.equal(new Set(MUTATIONS.map((m) => m.id)).size, MUTATIONS.length);
        for (const area of AREAS)
            assert.ok(
                MUTATIONS.some((m) => m.area === area),
                `no mutation in ${area}`,
            );
    });

    it("the unmutated prod stack has no mandatory violation and no broken reference", () => {
        assert.deepEqual([...base.mandatory], []);
        assert.deepEqual([...base.references], []);
    });

    it("at least 10 mutations break a reference (key, role, bucket, namespace, service account), each killed by a reference check", () => {
        const references = MUTATIONS.filter((m) => m.area === "references");
        assert.ok(references.length >= 10, `${references.length} reference mutations`);
        for (const m of references)
            assert.ok(
                REFERENCE_CHECKS.some((c) => c.id === m.killer),
                `${m.id}: no reference check ${m.killer}`,
            );
    });

    it("mutations are pure: the rendered stack is unchanged after applying one", () => {
        const before = JSON.stringify(base.resources);
        for (const m of MUTATIONS) m.apply(base.resources);
        assert.equal(JSON.stringify(base.resources), before);
    });

    for (const mutation of MUTATIONS) {
        it(`${mutation.area}: ${mutation.id} is killed by ${mutation.killer} (${mutation.description})`, async () => {
            const result = await runMutation(base, mutation);
            assert.ok(result.killed, `${mutation.id} survives: no new mandatory violation or broken reference`);
            assert.ok(
                result.killedBy.includes(mutation.killer),
                `${mutation.id} is killed by ${result.killedBy.join(", ")}, not ${mutation.killer}`,
            );
        });
    }
});
