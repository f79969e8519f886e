// The policy pack over resources it was never written for: arbitrary props, real rendered resources
// cut short, and real resources whose values are not known yet (as at preview).
import fc from "fast-check";
import { evaluate, type ResourceInput } from "../../policy-pack/lib/evaluate";
import type { EvaluationReport } from "../../policy-pack/lib/types";
import { allPolicies } from "../../policy-pack/policies";
import { UNKNOWN_STRING } from "../../policy-pack/lib/values";

type Segment = string | number;
type Json = Record<string, unknown>;

// The engine's sentinels, one per kind of value (policy-pack/lib/values.ts lists them all).
const UNKNOWN_BOOLEAN = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";
const UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";
const UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2";
const UNKNOWN_OBJECT = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff";

export function unknownFor(value: unknown): string {
    if (typeof value === "boolean") return UNKNOWN_BOOLEAN;
    if (typeof value === "number") return UNKNOWN_NUMBER;
    if (Array.isArray(value)) return UNKNOWN_ARRAY;
    if (value !== null && typeof value === "object") return UNKNOWN_OBJECT;
    return UNKNOWN_STRING;
}

export interface PackOutcome {
    /** evaluate() itself threw, or a policy threw inside it. */
    threw: boolean;
    errors: string[];
    report?: EvaluationReport;
}

export async function judge(resources: ResourceInput[], packConfig: unknown): Promise<PackOutcome> {
    try {
        const report = await evaluate(resources, packConfig, { policies: allPolicies, stackPolicies: true });
        return { threw: report.errors.length > 0, errors: report.errors.map((e) => `${e.policy}: ${e.error}`), report };
    } catch (error) {
        return { threw: true, errors: [String(error)] };
    }
}

/** Every path below the props, objects and arrays included. */
export function pathsOf(value: unknown, path: Segment[] = [], out: Segment[][] = []): Segment[][] {
    if (path.length > 0) out.push(path);
    if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...path, i], out));
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) pathsOf(v, [...path, k], out);
    return out;
}

/** The object or array holding the value at `path`; undefined when an earlier change replaced it. */

function holderOf(root: Json, path: Segment[]): any {
    let holder: any = root;
    for (const s of path.slice(0, -1)) {
        if (holder === null || typeof holder !== "object") return undefined;
        holder = holder[s];
    }
    return holder !== null && typeof holder === "object" ? holder : undefined;
}

/** The props with the values at `paths` replaced by the engine's unknown sentinel of their kind. */
export function withUnknowns(props: Json, paths: Segment[][]): Json {
    const copy = structuredClone(props);
    for (const path of paths) {
        const holder = holderOf(copy, path);
        if (holder === undefined) continue; // an earlier path made an ancestor unknown
        const key = path[path.length - 1]!;
        holder[key] = unknownFor(holder[key]);
    }
    return copy;
}

export type Cut = "delete" | "empty-object" | "empty-array" | "null" | "first-item" | "string";

/** The props cut at `path`: the value removed, emptied, nulled, shortened or replaced by a string. */
export function truncated(props: Json, path: Segment[], cut: Cut): Json {
    const copy = structuredClone(props);
    const holder = holderOf(copy, path);
    const key = path[path.length - 1]!;
    const value = holder[key];
    if (cut === "delete") {
        if (Array.isArray(holder)) holder.splice(key as number, 1);
        else delete holder[key];
    } else if (cut === "empty-object") holder[key] = {};
    else if (cut === "empty-array") holder[key] = [];
    else if (cut === "null") holder[key] = null;
    else if (cut === "first-item") holder[key] = Array.isArray(value) ? value.slice(0, 1) : value;
    else holder[key] = "truncated";
    return copy;
}

/** Resources worth cutting: those with props. */
function candidates(resources: ResourceInput[]): number[] {
    return resources.flatMap((r, i) => (pathsOf(r.props).length > 0 ? [i] : []));
}

export interface StackChange {
    index: number;
    describe: string;
    resources: ResourceInput[];
}

/** One real resource cut short at a random depth and key; the rest of the stack unchanged. */
export function truncationArbitrary(resources: ResourceInput[]): fc.Arbitrary<StackChange> {
    const indexes = candidates(resources);
    return fc
        .tuple(fc.nat(), fc.nat(), fc.constantFrom<Cut>("delete", "empty-object", "empty-array", "null", "first-item", "string"))
        .map(([i, p, cut]) => {
            const index = indexes[i % indexes.length]!;
            const paths = pathsOf(resources[index]!.props);
            const path = paths[p % paths.length]!;
            const copy = [...resources];
            copy[index] = { ...resources[index]!, props: truncated(resources[index]!.props as Json, path, cut) };
            return { index, describe: `${resources[index]!.name} ${path.join(".")} ${cut}`, resources: copy };
        });
}

/** One real resource with one to six of its values (at any depth) not known yet. */
export function unknownsArbitrary(resources: ResourceInput[]): fc.Arbitrary<StackChange> {
    const indexes = candidates(resources);
    return fc.tuple(fc.nat(), fc.array(fc.nat(), { minLength: 1, maxLength: 6 })).map(([i, picks]) => {
        const index = indexes[i % indexes.length]!;
        const paths = pathsOf(resources[index]!.props);
        const chosen = [...new Set(picks.map((p) => p % paths.length))].map((p) => paths[p]!);
        const copy = [...resources];
        copy[index] = { ...resources[index]!, props: withUnknowns(resources[index]!.props as Json, chosen) };
        return { index, describe: `${resources[index]!.name} ${chosen.map((p) => p.join(".")).join(", ")}`, resources: copy };
    });
}

// Arbitrary props for the types the stack uses: leaves policies compare against, and unknowns.
const leaf = fc.oneof(
    fc.constantFrom<unknown>(
        true,
        false,
        0,
        -1,
        1e12,
        null,
        "",
        "*",
        "ALL",
        "0.0.0.0/0",
        "Ignore",
        "Deny",
        "STRICT",
        "latest",
        UNKNOWN_STRING,
        UNKNOWN_ARRAY,
        UNKNOWN_OBJECT,
        UNKNOWN_BOOLEAN,
    ),
    fc.string(),
    fc.double(),
);
const KEYS = [
    "spec",
    "metadata",
    "template",
    "containers",
    "rules",
    "groups",
    "values",
    "policy",
    "subjects",
    "validationActions",
    "limits",
    "name",
    "namespace",
    "expr",
    "labels",
    "chart",
];
const value = fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.array(tie("v"), { maxLength: 4 }),
        fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), tie("v"), { maxKeys: 5 }),
    ),
})).v;

export function arbitraryResources(types: string[]): fc.Arbitrary<ResourceInput[]> {
    return fc.array(
        fc.record({
            type: fc.constantFrom(...types),
            name: fc.string({ minLength: 1, maxLength: 12 }),
            props: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), value, { maxKeys: 6 }),
        }),
        { minLength: 1, maxLength: 6 },
    );
}
