import { strict as assert } from "node:assert";
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { AnyPolicy } from "../../../policy-pack/lib/types";
import { allPolicies } from "../../../policy-pack/policies";

const POLICIES = join(__dirname, "..", "..", "..", "policy-pack", "policies");

/** The first segment of a policy name, and the folder under policies/ its files live in. */
const AREA_FOLDERS: Record<string, string> = {
    k8s: "kubernetes",
    pss: "kubernetes/pod-security",
    istio: "istio",
    vault: "vault",
    aws: "aws",
    helm: "helm",
    admission: "admission",
    monitoring: "monitoring",
};

function tsFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? tsFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
    );
}

const isPolicy = (value: unknown): value is AnyPolicy =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as AnyPolicy).name === "string" &&
    ((value as AnyPolicy).kind === "resource" || (value as AnyPolicy).kind === "stack");

/** Each file under policies/ (index.ts aside), relative and with "/", with the policies it exports. */
function policyFiles(): { file: string; policies: AnyPolicy[] }[] {
    return tsFiles(POLICIES)
        .filter((path) => relative(POLICIES, path) !== "index.ts")
        .map((path) => {
            const exported = Object.values(require(path) as Record<string, unknown>);
            return { file: relative(POLICIES, path).split(sep).join("/"), policies: exported.filter(isPolicy) };
        });
}

/** The file a policy's name says it lives in: `k8s:images:no-latest-tag` -> kubernetes/images/no-latest-tag.ts. */
function expectedFile(name: string): string | undefined {
    const [area, ...rest] = name.split(":");
    const folder = AREA_FOLDERS[area!];
    return folder && rest.length > 0 ? `${folder}/${rest.join("/")}.ts` : undefined;
}

describe("policy-pack/policies: every policy file is registered, and every policy is named after its file", () => {
    const files = policyFiles();
    const declared = files.flatMap((f) => f.policies.map((policy) => ({ file: f.file, policy })));

    it("finds the policy files (a folder walk that found nothing would prove nothing)", () => {
        assert.ok(declared.length >= 60, `${declared.length} policies in ${files.length} files`);
    });

    it("every policy a file exports is in allPolicies (policies/index.ts)", () => {
        const registered = new Set(allPolicies);
        assert.deepEqual(
            declared.filter((d) => !registered.has(d.policy)).map((d) => `${d.file}: ${d.policy.name}`),
            [],
        );
    });

    it("every policy of allPolicies is declared in exactly one file, once", () => {
        const homes = new Map<AnyPolicy, string[]>();
        for (const d of declared) homes.set(d.policy, [...(homes.get(d.policy) ?? []), d.file]);
        assert.deepEqual(
            allPolicies.filter((p) => homes.get(p)?.length !== 1).map((p) => `${p.name}: ${homes.get(p)?.join(", ") ?? "no file"}`),
            [],
        );
        assert.equal(new Set(allPolicies).size, allPolicies.length, "a policy is listed twice");
    });

    it("every policy's name is its file's path: <area>:<folder>:<file> under the area's folder", () => {
        assert.deepEqual(
            declared
                .filter((d) => expectedFile(d.policy.name) !== d.file)
                .map((d) => `${d.policy.name} is in ${d.file}, expected ${expectedFile(d.policy.name)}`),
            [],
        );
    });

    it("a file declares one policy (Pod Security's shared definitions aside, none declares two)", () => {
        assert.deepEqual(
            files.filter((f) => f.policies.length > 1).map((f) => `${f.file}: ${f.policies.map((p) => p.name).join(", ")}`),
            [],
        );
    });
});
