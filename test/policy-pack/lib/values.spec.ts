import { strict as assert } from "node:assert";
import { containsUnknown, isUnknown, trackUnknownReads, UNKNOWN_SENTINELS } from "../../../policy-pack/lib/values";

// The engine's sentinels for values not known until apply (internal exports of @pulumi/policy).
const proxy = require("@pulumi/policy/proxy") as Record<string, unknown>;

describe("lib/values", () => {
    it("knows exactly the engine's unknown sentinels", () => {
        const engine = Object.entries(proxy)
            .filter(([k]) => /^unknown[A-Z]\w*Value$/.test(k))
            .map(([, v]) => v as string);
        assert.equal(engine.length, 7);
        assert.deepEqual([...UNKNOWN_SENTINELS].sort(), engine.sort());
        assert.ok(engine.every(isUnknown));
        assert.equal(isUnknown("RuntimeDefault"), false);
    });
    it("finds unknowns at any depth and records which were read", () => {
        const props = { spec: { containers: [{ name: "a", image: proxy.unknownStringValue as string }], hostNetwork: false } };
        assert.equal(containsUnknown(props), true);
        assert.equal(containsUnknown({ spec: { hostNetwork: false } }), false);
        const read: string[] = [];
        const tracked = trackUnknownReads(props, (p) => read.push(p));
        assert.equal(tracked.spec.hostNetwork, false);
        assert.deepEqual(read, []);
        void tracked.spec.containers[0].image;
        assert.deepEqual(read, ["spec.containers.0.image"]);
    });
});
