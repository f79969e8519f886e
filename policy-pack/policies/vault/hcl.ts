import { arr, isObj, obj, strings } from "../../lib/values";

export interface PathRule {
    path: string;
    capabilities: string[];
}

type Hcl2Json = { parse(filename: string, contents: string): Promise<Record<string, unknown>> };
let parser: Hcl2Json | undefined;

/** HashiCorp's own HCL parser (loaded on first use: it carries a WebAssembly module). */
async function hcl(): Promise<Hcl2Json> {
    parser ??= (await import("@cdktf/hcl2json")) as Hcl2Json;
    return parser;
}

/** Parses a Vault policy document (HCL, or its JSON form) into path rules. Throws on a syntax error. */
export async function parseVaultPolicy(document: string): Promise<PathRule[]> {
    const trimmed = document.trim();
    const parsed = trimmed.startsWith("{") ? (JSON.parse(trimmed) as unknown) : await (await hcl()).parse("policy.hcl", document);
    const rules: PathRule[] = [];
    for (const [path, blocks] of Object.entries(obj(obj(parsed).path))) {
        // hcl2json gives one array entry per block; Vault's JSON form may give the object directly.
        const list = Array.isArray(blocks) ? blocks : [blocks];
        const capabilities = list.filter(isObj).flatMap((b) => strings(arr(b.capabilities)));
        rules.push({ path, capabilities });
    }
    return rules;
}
