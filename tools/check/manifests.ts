// Reads Kubernetes manifests (YAML or JSON, multi-document, List kinds, helm template output,
// folders) and rendered plans into resources the pack can judge.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document } from "yaml";
import type { ResourceInput } from "../../policy-pack/lib/evaluate";
import { typeTokenOf } from "../../policy-pack/lib/kubernetes";
import { isPlanJson, planResources, planSchema } from "../../policy-pack/lib/plan";
import { isObj } from "../../policy-pack/lib/values";

/** Bad input: the file and line are named so the user can fix it. */
export class InputError extends Error {
    constructor(
        readonly file: string,
        readonly line: number | undefined,
        detail: string,
    ) {
        super(`${file}${line !== undefined ? `:${line}` : ""}: ${detail}`);
    }
}

export interface Origin {
    file: string;
    kind: string;
    name: string;
    namespace?: string;
    line?: number;
}

export interface LoadedInput {
    resources: ResourceInput[];
    /** Where each resource came from, by URN. */
    origins: Map<string, Origin>;
    /** Files holding rendered plans: their stack policies run too. */
    planStacks: { file: string; stack: string; resources: ResourceInput[] }[];
}

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

export function expandPaths(paths: string[]): { file: string; explicit: boolean }[] {
    const out: { file: string; explicit: boolean }[] = [];
    const walk = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
            const full = join(dir, entry.name);
            if (entry.isDirectory()) walk(full);
            else if (MANIFEST_EXTENSIONS.has(extname(entry.name))) out.push({ file: full, explicit: false });
        }
    };
    for (const p of paths) {
        let stat;
        try {
            stat = statSync(p);
        } catch {
            throw new InputError(p, undefined, "no such file or folder");
        }
        if (stat.isDirectory()) walk(p);
        else out.push({ file: p, explicit: true });
    }
    return out;
}

function jsonErrorLine(text: string, error: unknown): number | undefined {
    const message = error instanceof Error ? error.message : "";
    const lineMatch = /line (\d+)/.exec(message);
    if (lineMatch) return Number(lineMatch[1]);
    const pos = /position (\d+)/.exec(message);
    return pos ? text.slice(0, Number(pos[1])).split("\n").length : undefined;
}

interface Doc {
    value: unknown;
    line: number;
    /** Start lines of the items of a List kind, in order (YAML only). */
    itemLines?: number[];
}

function listItemLines(doc: Document.Parsed, lineCounter: LineCounter): number[] | undefined {
    if (!isMap(doc.contents)) return undefined;
    const items = doc.contents.get("items", true);
    if (!isSeq(items)) return undefined;
    return items.items.map((item) => {
        const range = (item as { range?: [number, number, number] }).range;
        return range ? lineCounter.linePos(range[0]).line : 1;
    });
}

function readDocs(file: string, text: string): Doc[] {
    if (extname(file) === ".json") {
        try {
            return [{ value: JSON.parse(text), line: 1 }];
        } catch (e) {
            throw new InputError(file, jsonErrorLine(text, e), `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
        }
    }
    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
    const out: Doc[] = [];
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
        const error = doc.errors[0];
        if (error) {
            const line = error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line;
            throw new InputError(file, line, `invalid YAML: ${error.message.split("\n")[0]}`);
        }
        const line = doc.contents ? lineCounter.linePos(doc.contents.range[0]).line : 1;
        const itemLines = listItemLines(doc, lineCounter);
        out.push({ value: doc.toJS({ maxAliasCount: 100 }), line, ...(itemLines ? { itemLines } : {}) });
    }
    return out;
}

/** Kubernetes objects in a document, with their lines: the object itself, or the items of a List kind. */
function objectsOf(doc: Doc): { value: unknown; line: number }[] {
    const value = doc.value;
    if (isObj(value) && typeof value.kind === "string" && value.kind.endsWith("List") && Array.isArray(value.items)) {
        return value.items.map((item, i) => ({ value: item, line: doc.itemLines?.[i] ?? doc.line }));
    }
    return [{ value, line: doc.line }];
}

export function loadInputs(paths: string[]): LoadedInput {
    const loaded: LoadedInput = { resources: [], origins: new Map(), planStacks: [] };
    for (const { file, explicit } of expandPaths(paths)) {
        let text: string;
        try {
            text = readFileSync(file, "utf8");
        } catch (e) {
            throw new InputError(file, undefined, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
        }
        const docs = readDocs(file, text).filter((d) => d.value !== null && d.value !== undefined);
        if (docs.length === 1 && isPlanJson(docs[0].value)) {
            const parsed = planSchema.safeParse(docs[0].value);
            if (!parsed.success)
                throw new InputError(
                    file,
                    undefined,
                    `not a valid rendered plan: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
                );
            const resources = planResources(parsed.data);
            loaded.planStacks.push({ file, stack: parsed.data.stack, resources });
            for (const r of resources) {
                const props = r.props as Record<string, unknown>;
                const kind = typeof props.kind === "string" ? props.kind : r.type;
                const metadata = isObj(props.metadata) ? props.metadata : {};
                loaded.origins.set(r.urn!, {
                    file,
                    kind,
                    name: typeof metadata.name === "string" ? metadata.name : r.name,
                    ...(typeof metadata.namespace === "string" ? { namespace: metadata.namespace } : {}),
                });
            }
            continue;
        }
        const manifests: { value: Record<string, unknown>; line: number }[] = [];
        for (const doc of docs) {
            for (const { value, line } of objectsOf(doc)) {
                if (!isObj(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") {
                    if (!explicit) continue; // a folder may hold other YAML (Helm values, CI files)
                    throw new InputError(file, line, "not a Kubernetes object: apiVersion and kind (strings) are required");
                }
                manifests.push({ value, line });
            }
        }
        manifests.forEach(({ value, line }, index) => {
            const kind = value.kind as string;
            const type = typeTokenOf(value.apiVersion as string, kind);
            const metadata = isObj(value.metadata) ? value.metadata : {};
            const name = typeof metadata.name === "string" ? metadata.name : `${kind}-${index}`;
            const urn = `urn:pulumi:manifest::check::${type}::${file}#${index}`;
            loaded.resources.push({ type, name, urn, props: value });
            loaded.origins.set(urn, {
                file,
                kind,
                name,
                line,
                ...(typeof metadata.namespace === "string" ? { namespace: metadata.namespace } : {}),
            });
        });
    }
    return loaded;
}
