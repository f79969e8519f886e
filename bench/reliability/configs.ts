// Invalid configurations, hand-written and generated, and what the program says about them: every one
// must be a ConfigError whose problems name a `secure-platform:` key, before any resource registers.
import fc from "fast-check";
import { ConfigError, parsePlatformConfig, PROJECT } from "../../infra/config";
import { renderStack } from "../../tools/render/render";

type Raw = Record<string, any>;
type Segment = string | number;

export type ConfigVerdict =
    /** ConfigError, every problem under secure-platform:, one names the changed key (or its parent or child, or in its text). */
    | "rejected-naming-key"
    /** ConfigError, but no problem names the changed key. */
    | "rejected-other-key"
    /** The change was accepted: a key with a default, or a value in range. */
    | "accepted"
    /** Anything but a ConfigError was thrown. */
    | "threw";

export interface ConfigOutcome {
    verdict: ConfigVerdict;
    /** The key that was changed, as problems write it (`cluster.nodeGroups[0].minSize`). */
    key: string;
    problems: string[];
    error?: string;
}

export function formatPath(path: readonly Segment[]): string {
    return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

function problemKey(problem: string): string {
    const prefix = `${PROJECT}:`;
    return problem.startsWith(prefix) ? problem.slice(prefix.length, problem.indexOf(": ")) : "";
}

/** The key, a key inside it, or the object that holds it. */
function names(problemPath: string, key: string): boolean {
    const related = (outer: string, inner: string) => inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
    return problemPath !== "" && (related(key, problemPath) || related(problemPath, key));
}

/**
 * The problem's text names the key: in full, or by its last name when the problem is about a
 * sibling ("publicAccessCidrs: is set but publicAccess is false").
 */
function mentions(problem: string, key: string): boolean {
    const text = problem.slice(problem.indexOf(": ") + 2);
    if (text.includes(key)) return true;
    const cut = Math.max(key.lastIndexOf("."), key.lastIndexOf("["));
    const parent = cut > 0 ? key.slice(0, cut) : "";
    const last = key.slice(cut + 1).replace(/\]$/, "");
    const problemPath = problemKey(problem);
    return parent !== "" && problemPath.startsWith(`${parent}.`) && new RegExp(`\\b${last}\\b`).test(text);
}

/** Validates one raw configuration and classifies the result against the key that was changed. */
export function judgeConfig(stack: string, raw: Raw, key: string): ConfigOutcome {
    try {
        parsePlatformConfig(stack, raw);
        return { verdict: "accepted", key, problems: [] };
    } catch (error) {
        if (!(error instanceof ConfigError)) return { verdict: "threw", key, problems: [], error: String(error) };
        const problems = error.problems;
        const underProject = problems.length > 0 && problems.every((p) => p.startsWith(`${PROJECT}:`));
        // A problem names the key at its head (the key, its parent or a child), or in its text (a
        // removed key that other keys depend on: "vault.database ... is not configured").
        const named = underProject && problems.some((p) => names(problemKey(p), key) || mentions(p, key));
        return { verdict: named ? "rejected-naming-key" : "rejected-other-key", key, problems };
    }
}

export interface RenderOutcome {
    configError: boolean;
    resourcesRegistered: number;
}

/** Runs the program itself (as `pulumi up` loads it) with the changed config: it must stop before registering anything. */
export async function renderRejects(stack: string, original: Raw, changed: Raw): Promise<RenderOutcome> {
    const overrides: Record<string, string | undefined> = {};
    for (const key of new Set([...Object.keys(original), ...Object.keys(changed)])) {
        if (JSON.stringify(original[key]) === JSON.stringify(changed[key])) continue;
        overrides[`${PROJECT}:${key}`] = key in changed ? JSON.stringify(changed[key]) : undefined;
    }
    try {
        await renderStack(stack, { configOverrides: overrides });
        return { configError: false, resourcesRegistered: -1 };
    } catch (error) {
        const registered = (error as { resourcesRegistered?: number }).resourcesRegistered ?? -1;
        return { configError: error instanceof ConfigError, resourcesRegistered: registered };
    }
}

// --- generated invalid configurations ---

interface Node {
    path: Segment[];
    value: unknown;
}

/** Every value in the config, with its path (the root excluded). */
export function nodesOf(value: unknown, path: Segment[] = [], out: Node[] = []): Node[] {
    if (path.length > 0) out.push({ path, value });
    if (Array.isArray(value)) value.forEach((v, i) => nodesOf(v, [...path, i], out));
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) nodesOf(v, [...path, k], out);
    return out;
}

export type ChangeKind =
    "wrong-type" | "out-of-range" | "malformed-cidr" | "malformed-arn" | "malformed-quantity" | "unknown-key" | "removed-key";

export interface ConfigChange {
    kind: ChangeKind;
    path: Segment[];
    /** The changed key as problems name it. */
    key: string;
    apply(raw: Raw): void;
}

function parentOf(raw: Raw, path: Segment[]): any {
    let holder: any = raw;
    for (const s of path.slice(0, -1)) holder = holder[s];
    return holder;
}

function setAt(raw: Raw, path: Segment[], value: unknown): void {
    parentOf(raw, path)[path[path.length - 1]!] = value;
}

const lastKey = (path: Segment[]): string => String([...path].reverse().find((s) => typeof s === "string") ?? "");
const isCidrKey = (path: Segment[]) => /cidr/i.test(lastKey(path));
const isArnKey = (path: Segment[]) => /arn$/i.test(lastKey(path));
const isQuantityKey = (path: Segment[]) => /(cpu|memory)(request|limit)?$|^(requests|limits)(cpu|memory)$/i.test(lastKey(path));

function otherType(value: unknown, pick: number): unknown {
    const candidates: unknown[] =
        typeof value === "string"
            ? [12345, true, ["x"], { x: 1 }]
            : typeof value === "number"
              ? ["twelve", false, [value], { value }]
              : typeof value === "boolean"
                ? ["yes", 1, [value]]
                : Array.isArray(value)
                  ? ["a, b", 3, { items: value }]
                  : ["text", 7, [value]];
    return candidates[pick % candidates.length];
}

const OUT_OF_RANGE = [-1, -1000, 1e9, 0.5, Number.MAX_SAFE_INTEGER];
const BAD_CIDRS = ["10.0.0.0/33", "300.10.0.0/16", "10.0.0/16", "not-a-cidr", "10.0.0.0", "::/129", ""];
const BAD_ARNS = ["arn:aws:iam::12345:role/ops", "arn:aws:s3:::bucket", "role/ops", "arn:aws:iam::123456789012:group/ops", ""];
const BAD_QUANTITIES = ["lots", "12XYZ", "-1Gi", "1.2.3", "Mi", ""];

/**
 * A fast-check arbitrary of single invalid changes to a valid config: the change kind, and picks that
 * choose where it applies among the config's own keys and values.
 */
export function changeArbitrary(valid: Raw): fc.Arbitrary<ConfigChange> {
    const nodes = nodesOf(valid);
    const leaves = nodes.filter((n) => n.value === null || typeof n.value !== "object");
    const numbers = leaves.filter((n) => typeof n.value === "number");
    const cidrs = leaves.filter((n) => typeof n.value === "string" && isCidrKey(n.path));
    const arns = leaves.filter((n) => typeof n.value === "string" && isArnKey(n.path));
    const quantities = leaves.filter((n) => typeof n.value === "string" && isQuantityKey(n.path));
    const objects: Node[] = [
        { path: [], value: valid },
        ...nodes.filter((n) => n.value !== null && typeof n.value === "object" && !Array.isArray(n.value)),
    ];
    const keys = nodes.filter((n) => typeof n.path[n.path.length - 1] === "string");
    const from = <T>(list: T[]) => fc.nat().map((i) => list[i % list.length]!);
    const change = (kind: ChangeKind, path: Segment[], apply: (raw: Raw) => void): ConfigChange => ({
        kind,
        path,
        key: formatPath(path),
        apply,
    });

    const kinds: fc.Arbitrary<ConfigChange>[] = [
        fc
            .tuple(from(nodes), fc.nat())
            .map(([n, pick]) => change("wrong-type", n.path, (raw) => setAt(raw, n.path, otherType(n.value, pick)))),
        fc.tuple(from(objects), fc.constantFrom("unexpected", "nodegroup", "publicAcess", "Enabled")).map(([n, name]) =>
            change("unknown-key", [...n.path, name], (raw) => {
                (n.path.length ? parentOf(raw, n.path)[n.path[n.path.length - 1]!] : raw)[name] = true;
            }),
        ),
        from(keys).map((n) =>
            change("removed-key", n.path, (raw) => {
                delete parentOf(raw, n.path)[n.path[n.path.length - 1]!];
            }),
        ),
    ];
    if (numbers.length)
        kinds.push(
            fc.tuple(from(numbers), from(OUT_OF_RANGE)).map(([n, v]) => change("out-of-range", n.path, (raw) => setAt(raw, n.path, v))),
        );
    if (cidrs.length)
        kinds.push(
            fc.tuple(from(cidrs), from(BAD_CIDRS)).map(([n, v]) => change("malformed-cidr", n.path, (raw) => setAt(raw, n.path, v))),
        );
    if (arns.length)
        kinds.push(fc.tuple(from(arns), from(BAD_ARNS)).map(([n, v]) => change("malformed-arn", n.path, (raw) => setAt(raw, n.path, v))));
    if (quantities.length)
        kinds.push(
            fc
                .tuple(from(quantities), from(BAD_QUANTITIES))
                .map(([n, v]) => change("malformed-quantity", n.path, (raw) => setAt(raw, n.path, v))),
        );
    return fc.oneof(...kinds);
}

/** Applies a change to a copy of the valid config. */
export function changed(valid: Raw, change: ConfigChange): Raw {
    const raw = structuredClone(valid);
    change.apply(raw);
    return raw;
}
