// Reads Kubernetes manifests (YAML or JSON, multi-document, List kinds, helm template output,
// folders) and rendered plans into resources the pack can judge. A file that cannot be read is
// reported and the others are still read: one broken file never hides the findings of the rest.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { extname, join, relative, resolve, sep } from "node:path";
import { minimatch } from "minimatch";
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document } from "yaml";
import type { ResourceInput } from "../../policy-pack/lib/evaluate";
import { typeTokenOf } from "../../policy-pack/lib/kubernetes";
import { isPlanJson, planResources, planSchema } from "../../policy-pack/lib/plan";
import { isObj } from "../../policy-pack/lib/values";
import { REPO_ROOT } from "../render/stack-file";

/** Bad input: the file and line are named so the user can fix it. */
export class InputError extends Error {
    constructor(
        readonly file: string,
        readonly line: number | undefined,
        readonly detail: string,
    ) {
        super(`${file}${line !== undefined ? `:${line}` : ""}: ${detail}`);
    }
}

export interface Origin {
    /** Absolute path of the file the finding is reported at. */
    file: string;
    kind: string;
    name: string;
    namespace?: string;
    line?: number;
}

/** A file or folder not judged, and why: shown, never silently dropped. */
export interface Skipped {
    path: string;
    reason: string;
}

export interface PlanStack {
    file: string;
    stack: string;
    resources: ResourceInput[];
    /** The pack config the plan was judged with (`plan` writes it), when the plan carries one. */
    packConfig?: unknown;
}

export interface LoadedInput {
    resources: ResourceInput[];
    /** Where each resource came from, by URN. */
    origins: Map<string, Origin>;
    /** Files holding rendered plans: their stack policies run too. */
    planStacks: PlanStack[];
    /** Files that could not be read: the rest is judged, and the run exits 2. */
    errors: InputError[];
    skipped: Skipped[];
    /** Files read (judged or found to hold no Kubernetes object). */
    files: number;
}

export interface LoadOptions {
    /** Relative paths are resolved here (the user's directory). */
    cwd: string;
    /** Globs (minimatch, relative to cwd; a pattern without a slash matches any file or folder name). */
    exclude?: string[];
    /** Accept input that holds no Kubernetes object; by default nothing to judge is an error. */
    allowEmpty?: boolean;
}

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);
// Never manifests, and large: named as skipped rather than walked.
const NOT_MANIFEST_FOLDERS = new Map([
    [".git", "git's own data"],
    ["node_modules", "npm packages"],
]);
// An alias bomb (a billion laughs) expands exponentially; real manifests use few aliases.
const MAX_ALIAS_COUNT = 100;

interface FileToRead {
    file: string;
    explicit: boolean;
}

/** The files under the given paths, each once, with what was skipped and why. */
export function expandPaths(paths: string[], options: LoadOptions): { files: FileToRead[]; skipped: Skipped[]; errors: InputError[] } {
    const files: FileToRead[] = [];
    const skipped: Skipped[] = [];
    const errors: InputError[] = [];
    const seen = new Set<string>();
    const shown = (path: string) => displayPath(path, options.cwd);
    const excludedBy = (path: string): string | undefined => {
        const rel = relative(options.cwd, path).split(sep).join("/");
        return options.exclude?.find((pattern) => minimatch(rel, pattern, { dot: true, matchBase: !pattern.includes("/") }));
    };
    const add = (file: string, explicit: boolean) => {
        const real = realpathSync(file);
        if (seen.has(real)) return; // a file given twice, or reached twice, is judged once
        seen.add(real);
        files.push({ file, explicit });
    };
    const walk = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const full = join(dir, entry.name);
            const pattern = excludedBy(full);
            if (pattern !== undefined) {
                skipped.push({ path: shown(full), reason: `excluded by --exclude ${pattern}` });
                continue;
            }
            if (entry.isDirectory()) {
                const why = NOT_MANIFEST_FOLDERS.get(entry.name);
                if (why) skipped.push({ path: shown(full), reason: `${why}, not manifests` });
                else if (entry.name === "templates" && existsSync(join(dir, "Chart.yaml")))
                    skipped.push({
                        path: shown(full),
                        reason: "Helm chart templates are not manifests until rendered: check the output of `helm template`",
                    });
                else walk(full);
            } else if (MANIFEST_EXTENSIONS.has(extname(entry.name))) {
                // A link is followed to a file; a link to a folder could loop, so it is named instead.
                const target = entry.isSymbolicLink() ? statSync(full, { throwIfNoEntry: false }) : entry;
                if (target?.isFile()) add(full, false);
                else skipped.push({ path: shown(full), reason: target ? "not a regular file" : "a link to nothing" });
            } else if (entry.isSymbolicLink() && statSync(full, { throwIfNoEntry: false })?.isDirectory()) {
                skipped.push({ path: shown(full), reason: "a link to a folder (not followed, it could loop): give the folder itself" });
            }
        }
    };
    for (const given of paths) {
        const path = resolve(options.cwd, given);
        let stat;
        try {
            stat = statSync(path);
        } catch {
            errors.push(new InputError(given, undefined, "no such file or folder"));
            continue;
        }
        const pattern = excludedBy(path);
        if (pattern !== undefined) skipped.push({ path: shown(path), reason: `excluded by --exclude ${pattern}` });
        else if (stat.isDirectory()) walk(path);
        else add(path, true);
    }
    return { files, skipped, errors };
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
        let value: unknown;
        try {
            value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
        } catch (e) {
            throw new InputError(
                file,
                line,
                `refused: ${e instanceof Error ? e.message : String(e)} (at most ${MAX_ALIAS_COUNT} alias uses)`,
            );
        }
        out.push({ value, line, ...(itemLines ? { itemLines } : {}) });
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

/** The line of a plan's pretty-printed JSON where a resource's URN is, so that a finding points at its entry. */
function urnLines(text: string): Map<string, number> {
    const lines = new Map<string, number>();
    text.split("\n").forEach((line, i) => {
        const match = /^\s*"urn":\s*"(.*)",?\s*$/.exec(line);
        if (match && !lines.has(match[1]!)) lines.set(match[1]!, i + 1);
    });
    return lines;
}

function readPlan(file: string, text: string, value: unknown, loaded: LoadedInput): void {
    const parsed = planSchema.safeParse(value);
    if (!parsed.success)
        throw new InputError(
            file,
            undefined,
            `not a valid rendered plan: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
        );
    const resources = planResources(parsed.data);
    const packConfig = (value as { packConfig?: unknown }).packConfig;
    loaded.planStacks.push({ file, stack: parsed.data.stack, resources, ...(packConfig !== undefined ? { packConfig } : {}) });
    const lines = urnLines(text);
    parsed.data.resources.forEach((entry, i) => {
        const r = resources[i]!;
        const props = r.props as Record<string, unknown>;
        const kind = typeof props.kind === "string" ? props.kind : r.type;
        const metadata = isObj(props.metadata) ? props.metadata : {};
        // The program file that declared the resource, where the render recorded it; else its entry in the plan.
        const source = isObj(entry.source) && typeof entry.source.file === "string" ? entry.source : undefined;
        const sourceFile = source ? resolve(REPO_ROOT, source.file as string) : undefined;
        const located =
            sourceFile && existsSync(sourceFile) && typeof source!.line === "number"
                ? { file: sourceFile, line: source!.line }
                : { file, ...(lines.has(r.urn!) ? { line: lines.get(r.urn!) } : {}) };
        loaded.origins.set(r.urn!, {
            ...located,
            kind,
            name: typeof metadata.name === "string" ? metadata.name : r.name,
            ...(typeof metadata.namespace === "string" ? { namespace: metadata.namespace } : {}),
        });
    });
}

function readManifests(file: string, explicit: boolean, docs: Doc[], loaded: LoadedInput): number {
    const manifests: { value: Record<string, unknown>; line: number }[] = [];
    for (const doc of docs) {
        for (const { value, line } of objectsOf(doc)) {
            if (!isObj(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") {
                // A folder may hold other YAML (Helm values, CI files): it is named as skipped.
                if (!explicit) continue;
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
    return manifests.length;
}

export function loadInputs(paths: string[], options: LoadOptions): LoadedInput {
    const { files, skipped, errors } = expandPaths(paths, options);
    const loaded: LoadedInput = { resources: [], origins: new Map(), planStacks: [], errors, skipped, files: 0 };
    const shown = (file: string) => displayPath(file, options.cwd);
    for (const { file, explicit } of files) {
        try {
            let text: string;
            try {
                text = readFileSync(file, "utf8");
            } catch (e) {
                throw new InputError(file, undefined, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
            }
            const docs = readDocs(file, text).filter((d) => d.value !== null && d.value !== undefined);
            loaded.files++;
            if (docs.length === 1 && isPlanJson(docs[0]!.value)) {
                readPlan(file, text, docs[0]!.value, loaded);
                continue;
            }
            const count = readManifests(file, explicit, docs, loaded);
            if (count > 0) continue;
            const what = docs.length === 0 ? "empty (no YAML document, or only `---`)" : "no Kubernetes object (apiVersion and kind)";
            if (explicit && !options.allowEmpty)
                throw new InputError(file, undefined, `${what}: nothing to judge (--allow-empty accepts it)`);
            loaded.skipped.push({ path: shown(file), reason: what });
        } catch (e) {
            if (!(e instanceof InputError)) throw e;
            // Named relative to where the user is, as they typed it.
            loaded.errors.push(new InputError(shown(e.file), e.line, e.detail));
        }
    }
    if (loaded.origins.size === 0 && loaded.planStacks.length === 0 && !options.allowEmpty && loaded.errors.length === 0) {
        loaded.errors.push(
            new InputError(
                paths.join(", "),
                undefined,
                `no Kubernetes object to judge (${loaded.files} ${loaded.files === 1 ? "file" : "files"} read${loaded.skipped.length ? `, ${loaded.skipped.length} skipped` : ""}); --allow-empty accepts that`,
            ),
        );
    }
    return loaded;
}

/** A path inside the user's directory as they would type it; others in full. */
export function displayPath(file: string, cwd: string): string {
    const rel = relative(cwd, file);
    return rel === "" ? "." : rel.startsWith("..") ? file : rel;
}
