// Keys that would be ignored, secrets that are not, and where errors send the user to read.
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_DOCS, ConfigError, parsePlatformConfig, parseStackConfig, PROJECT } from "../../infra/config";
import { readStackFile, REPO_ROOT } from "../../tools/render/stack-file";
import { rawStackConfig } from "../helpers/config";
import { renderWith } from "../helpers/stacks";

function problems(run: () => unknown): string[] {
    try {
        run();
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems;
    }
    assert.fail("the configuration was accepted");
}

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
    heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, "")
        .replace(/ /g, "-");

describe("infra/config: keys and where they are documented", () => {
    const prod = readStackFile("prod").config;

    describe("a misspelt namespace never falls back to defaults", () => {
        for (const namespace of ["secure-platfrom", "secure-platfom", "Secure-Platform", "secure_platform", "secureplatform"]) {
            it(`${namespace}:mesh is rejected, naming the key and the namespace meant`, () => {
                const found = problems(() => parseStackConfig("prod", { ...prod, [`${namespace}:mesh`]: "{}" }, { keys: [] }));
                assert.equal(found.length, 1, found.join("\n"));
                assert.match(found[0]!, new RegExp(`^${namespace}:mesh: "${namespace}" is not this project's namespace`));
                assert.match(found[0]!, /did you mean secure-platform:mesh\?/);
            });
        }

        it("keys of other namespaces (providers, Pulumi) are left to their owners", () => {
            const config = {
                ...prod,
                "aws:region": "eu-west-1",
                "kubernetes:context": "kind",
                "pulumi:disable-default-providers": '["*"]',
            };
            assert.equal(parseStackConfig("prod", config, { keys: [] }).stack, "prod");
        });

        it("reports the misspelt namespace with every other problem at once", () => {
            const cluster = JSON.parse(prod["secure-platform:cluster"]!);
            cluster.region = "nowhere";
            const config = { ...prod, "secure-platform:cluster": JSON.stringify(cluster), "secure-platfrom:vault": "{}" };
            const found = problems(() => parseStackConfig("prod", config, { keys: [] }));
            assert.equal(found.length, 2, found.join("\n"));
        });

        it("the program itself refuses it: nothing is registered", async () => {
            await assert.rejects(
                renderWith("prod", { "secure-platfrom:mesh": "{}" }),
                (error: Error & { resourcesRegistered?: number }) => {
                    assert.ok(error instanceof ConfigError);
                    assert.match(error.message, /secure-platfrom:mesh: "secure-platfrom" is not this project's namespace/);
                    assert.equal((error as { resourcesRegistered?: number }).resourcesRegistered, 0);
                    return true;
                },
            );
        });
    });

    describe("unknown keys under the namespace", () => {
        it("a top-level one lists the valid keys and the documentation", () => {
            const [problem] = problems(() => parsePlatformConfig("prod", { ...rawStackConfig("prod"), mseh: {} }));
            assert.equal(
                problem,
                `${PROJECT}:mseh: is not a known key (valid: ${Object.keys(CONFIG_DOCS).join(", ")}); the valid keys are documented in README.md#configuration`,
            );
        });

        it("a nested one links to where its block is documented", () => {
            const raw = rawStackConfig("prod");
            raw.vault.databse = {};
            const [problem] = problems(() => parsePlatformConfig("prod", raw));
            assert.equal(
                problem,
                `${PROJECT}:vault.databse: is not a known key; the valid keys are documented in docs/vault.md#configuration-secure-platformvault`,
            );
        });

        for (const [key, link] of Object.entries(CONFIG_DOCS)) {
            it(`${key}: errors link to ${link}, a heading that exists`, () => {
                const [file, anchor] = link.split("#") as [string, string];
                assert.ok(existsSync(join(REPO_ROOT, file)), file);
                const headings = readFileSync(join(REPO_ROOT, file), "utf8")
                    .split("\n")
                    .filter((line) => /^#+ /.test(line))
                    .map((line) => slug(line.replace(/^#+ /, "")));
                assert.ok(headings.includes(anchor), `${file} has no heading #${anchor}: ${headings.join(", ")}`);
            });
        }

        it("value errors in nested keys say where the keys are documented", () => {
            const raw = rawStackConfig("prod");
            raw.monitoring.namespace = "Not A Namespace";
            raw.vault.replicas = 0;
            try {
                parsePlatformConfig("prod", raw);
                assert.fail("the configuration was accepted");
            } catch (error) {
                assert.ok(error instanceof ConfigError);
                assert.match(
                    error.message,
                    /\nThe keys are documented in docs\/vault\.md#configuration-secure-platformvault, docs\/monitoring\.md#configuration-secure-platformmonitoring\.$|\nThe keys are documented in docs\/monitoring\.md#configuration-secure-platformmonitoring, docs\/vault\.md#configuration-secure-platformvault\.$/,
                );
                assert.ok(error.problems.some((p) => p.startsWith("secure-platform:monitoring.namespace: ")));
            }
        });
    });

    describe("errors show values unless they are secrets", () => {
        // dev's vault block holds one secret: database.password.
        const raw = () => rawStackConfig("dev");
        const exact = { keys: ["vault"], paths: [["vault", "database", "password"]] };

        it("a bad value beside a secret is shown", () => {
            const config = raw();
            config.vault.replicas = "three";
            const [problem] = problems(() => parsePlatformConfig("dev", config, exact));
            assert.match(problem!, /^secure-platform:vault\.replicas: .*\(got "three"\)/);
        });

        it("the secret itself, and an object that holds it, are withheld, saying which", () => {
            const secret = raw();
            secret.vault.database.password = 42;
            assert.match(problems(() => parsePlatformConfig("dev", secret, exact))[0]!, /\(value not shown: it is a secret\)/);
            const holder = raw();
            holder.vault.database = "not-an-object";
            assert.match(problems(() => parsePlatformConfig("dev", holder, exact))[0]!, /\(value not shown: it holds a secret\)/);
        });

        it("at run time, where only the secret top-level keys are known, it says the block holds a secret, nothing more", () => {
            const config = raw();
            config.vault.replicas = "three";
            const [problem] = problems(() => parsePlatformConfig("dev", config, { keys: ["vault"] }));
            assert.match(problem!, /\(value not shown: secure-platform:vault holds a secret\)/);
            assert.ok(!problem!.includes("three"));
        });
    });
});
