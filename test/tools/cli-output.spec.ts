import { strict as assert } from "node:assert";
import { plural, progressOn } from "../../tools/cli/output";

describe("tools/cli/output", () => {
    const terminal = () => {
        const written: string[] = [];
        return { written, stream: { isTTY: true, write: (text: string) => written.push(text) } };
    };

    it("shows progress on a terminal, rewriting its one line", () => {
        const { written, stream } = terminal();
        progressOn(stream, {})!("run 1 of 5: prod");
        assert.deepEqual(written, ["\r\x1b[2Krun 1 of 5: prod"]);
    });

    it("stays quiet in CI and when the output is a pipe or a file", () => {
        assert.equal(progressOn(terminal().stream, { CI: "true" }), undefined);
        assert.equal(progressOn({ isTTY: false, write: () => true }, {}), undefined);
        assert.equal(progressOn({ write: () => true }, {}), undefined);
    });

    it("pluralises counts", () => {
        assert.deepEqual(
            [plural(0, "file"), plural(1, "file"), plural(2, "file"), plural(1, "policy", "policies")],
            ["0 files", "1 file", "2 files", "1 policy"],
        );
    });
});
