// Vault's ACL path rules, written from its documentation (concepts/policies: "Priority matching"), to
// evaluate the policies the program renders after HashiCorp's own HCL parser has read them.
import { parse } from "@cdktf/hcl2json";

export interface AclRule {
    path: string;
    capabilities: string[];
    /** Vault's allowed_parameters: request fields and the values (with `x*` / `*x` globs) they may take. */
    allowedParameters?: Record<string, string[]>;
}

/** Parses policy HCL with HashiCorp's parser; throws on anything Vault would not accept as HCL. */
export async function parsePolicy(hcl: string): Promise<AclRule[]> {
    const parsed = (await parse("policy.hcl", hcl)) as {
        path?: Record<string, { capabilities?: string[]; allowed_parameters?: Record<string, string[]> | Record<string, string[]>[] }[]>;
    };
    const keys = Object.keys(parsed);
    if (keys.some((key) => key !== "path")) throw new Error(`unexpected blocks in policy: ${keys.join(", ")}`);
    return Object.entries(parsed.path ?? {}).flatMap(([path, blocks]) => {
        if (blocks.length !== 1) throw new Error(`path "${path}" appears ${blocks.length} times`);
        const capabilities = blocks[0]!.capabilities;
        if (!Array.isArray(capabilities)) throw new Error(`path "${path}" has no capabilities list`);
        const allowed = blocks[0]!.allowed_parameters;
        const allowedParameters = Array.isArray(allowed) ? allowed[0] : allowed;
        return [{ path, capabilities, ...(allowedParameters ? { allowedParameters } : {}) }];
    });
}

/** Does a policy path (exact, "+" segment wildcards, a trailing "*" glob) match a request path? */
export function pathMatches(pattern: string, request: string): boolean {
    const glob = pattern.endsWith("*");
    const body = glob ? pattern.slice(0, -1) : pattern;
    const patternSegments = body.split("/");
    const requestSegments = request.split("/");
    if (!glob && patternSegments.length !== requestSegments.length) return false;
    if (glob && requestSegments.length < patternSegments.length) return false;
    for (let i = 0; i < patternSegments.length; i++) {
        const p = patternSegments[i]!;
        const r = requestSegments[i]!;
        const last = i === patternSegments.length - 1;
        if (p === "+") {
            if (last && glob) return false; // "+*" is not a form Vault accepts; never produced here
            continue;
        }
        // The glob's last segment is a prefix of the request's segment; every other segment is exact.
        if (last && glob) return r.startsWith(p);
        if (p !== r) return false;
    }
    return true;
}

const firstWildcard = (path: string) => {
    const positions = [path.indexOf("+"), path.indexOf("*")].filter((i) => i >= 0);
    return positions.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...positions);
};
const plusCount = (path: string) => path.split("/").filter((s) => s === "+").length;

/** Negative when a has lower priority than b, per Vault's five documented rules, in order. */
export function comparePriority(a: string, b: string): number {
    const wa = firstWildcard(a);
    const wb = firstWildcard(b);
    if (wa !== wb) return wa < wb ? -1 : 1;
    const ga = a.endsWith("*");
    const gb = b.endsWith("*");
    if (ga !== gb) return ga ? -1 : 1;
    const pa = plusCount(a);
    const pb = plusCount(b);
    if (pa !== pb) return pa > pb ? -1 : 1;
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
    if (a === b) return 0;
    return a < b ? -1 : 1;
}

/** The capabilities a single policy grants on a path: the highest-priority matching rule, deny wins. */
export function capabilitiesOn(rules: AclRule[], request: string): string[] {
    const matching = rules.filter((rule) => pathMatches(rule.path, request)).sort((x, y) => comparePriority(y.path, x.path));
    const winner = matching[0];
    if (!winner || winner.capabilities.includes("deny")) return [];
    return winner.capabilities;
}

export function allows(rules: AclRule[], request: string, capability: string): boolean {
    return capabilitiesOn(rules, request).includes(capability);
}

/** Vault's value globbing for allowed_parameters: a leading or trailing `*` matches any prefix or suffix. */
const globMatches = (pattern: string, value: string) =>
    pattern === "*" ||
    (pattern.endsWith("*") && value.startsWith(pattern.slice(0, -1))) ||
    (pattern.startsWith("*") && value.endsWith(pattern.slice(1))) ||
    pattern === value;

/**
 * Does a write's body pass the winning rule's allowed_parameters? Each field must be listed (or `*` be
 * listed), and a listed field with values takes only those; list values are checked element by element.
 */
export function parametersAllowed(rules: AclRule[], request: string, body: Record<string, unknown>): boolean {
    const winner = rules.filter((rule) => pathMatches(rule.path, request)).sort((x, y) => comparePriority(y.path, x.path))[0];
    const allowed = winner?.allowedParameters;
    if (!allowed) return true;
    return Object.entries(body).every(([key, value]) => {
        const values = allowed[key] ?? (allowed["*"] !== undefined ? [] : undefined);
        if (values === undefined) return false;
        if (values.length === 0) return true;
        const items = Array.isArray(value) ? value : [value];
        return items.every((item) => values.some((pattern) => globMatches(pattern, String(item))));
    });
}
