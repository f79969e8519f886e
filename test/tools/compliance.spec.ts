import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { CATALOGUE } from "../../tools/compliance/catalogue";
import { COMPLIANCE_FILE, PACK_README, packReadmeWithTable, renderComplianceMatrix } from "../../tools/compliance";
import { allPolicies } from "../../policy-pack/policies";

describe("compliance matrix (docs/compliance.md)", () => {
    let generated: string;
    before(async () => {
        generated = await renderComplianceMatrix();
    });

    it("is up to date with the pack's metadata and the rendered prod stack (npm run compliance)", () => {
        assert.equal(readFileSync(COMPLIANCE_FILE, "utf8"), generated, "docs/compliance.md is out of date: run npm run compliance");
    });

    it("keeps the pack README's policy table in step with the policies' metadata", () => {
        const readme = readFileSync(PACK_README, "utf8");
        assert.equal(readme, packReadmeWithTable(readme), "policy-pack/README.md's table is out of date: run npm run compliance");
        for (const policy of allPolicies) assert.ok(readme.includes(`| \`${policy.name}\``), policy.name);
    });

    it("names every policy, and every control a policy claims, under its framework", () => {
        for (const policy of allPolicies) {
            assert.ok(generated.includes(`| \`${policy.name}\` |`), policy.name);
            for (const [framework, ids] of Object.entries(policy.controls)) {
                assert.ok(framework in CATALOGUE, `${policy.name}: unknown framework ${framework}`);
                const section = generated.split(`\n## ${framework}\n`)[1]!.split("\n## ")[0]!;
                for (const id of ids ?? []) assert.ok(section.includes(`| ${id} |`), `${policy.name}: ${framework} ${id}`);
            }
        }
    });

    it("covers every Pod Security Standards control with its own policy", () => {
        for (const control of CATALOGUE.PSS!) {
            const [level, name] = control.id.split("/");
            assert.ok(
                allPolicies.some((p) => p.name === `pss:${level}:${name}`),
                control.id,
            );
        }
        assert.ok(!generated.includes("| PSS | baseline/"), "no PSS control is listed as uncovered");
    });
});
