import { readFileSync, existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

export const REPO_ROOT = resolve(__dirname, "..", "..");
export const STACKS_DIR = join(REPO_ROOT, "stacks");

/** Stands in for a `secure:` value, which only the Pulumi CLI with the stack's secrets provider can decrypt. */
export const SECRET_PLACEHOLDER = "offline-render-placeholder";

export interface StackFile {
    stack: string;
    path: string;
    /** Fully qualified keys (`secure-platform:cluster`, `aws:region`) to values as the Pulumi CLI passes them: JSON text for objects. */
    config: Record<string, string>;
    /** Keys whose value is, or contains, a secret. */
    secretKeys: string[];
}

/** A stack file that is missing or is not valid YAML. */
export class StackFileError extends Error {
    override name = "StackFileError";
}

export function listStacks(dir = STACKS_DIR): string[] {
    return readdirSync(dir)
        .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

function isSecure(value: unknown): boolean {
    return typeof value === "object" && value !== null && Object.keys(value).length === 1 && "secure" in value;
}

/** Replaces `secure:` values (at any depth) with the placeholder and says whether any was found. */
function withoutCiphertext(value: unknown): { value: unknown; secret: boolean } {
    if (isSecure(value)) return { value: SECRET_PLACEHOLDER, secret: true };
    if (Array.isArray(value)) {
        const items = value.map(withoutCiphertext);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (typeof value === "object" && value !== null) {
        const entries = Object.entries(value).map(([k, v]) => [k, withoutCiphertext(v)] as const);
        return { value: Object.fromEntries(entries.map(([k, v]) => [k, v.value])), secret: entries.some(([, v]) => v.secret) };
    }
    return { value, secret: false };
}

/** Reads stacks/Pulumi.<stack>.yaml the way the Pulumi CLI hands it to a program. */
export function readStackFile(stack: string, dir = STACKS_DIR): StackFile {
    const path = [join(dir, `Pulumi.${stack}.yaml`), join(dir, `Pulumi.${stack}.yml`)].find(existsSync);
    if (!path) {
        throw new StackFileError(`No stack file for "${stack}" in ${dir}; stacks available: ${listStacks(dir).join(", ") || "none"}`);
    }
    return readStackFileAt(path, stack);
}

/** Reads a stack file from any path (a candidate change, a file outside stacks/). */
export function readStackFileAt(path: string, stack = /Pulumi\.(.+)\.ya?ml$/.exec(path)?.[1] ?? "dev"): StackFile {
    if (!existsSync(path)) throw new StackFileError(`No stack file at ${path}`);
    let document: { config?: Record<string, unknown> } | null;
    try {
        document = parse(readFileSync(path, "utf8")) as typeof document;
    } catch (error) {
        const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
        throw new StackFileError(`${path}${line ? `:${line}` : ""}: not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, raw] of Object.entries(document?.config ?? {})) {
        const { value, secret } = withoutCiphertext(raw);
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
        if (secret) secretKeys.push(key);
    }
    return { stack, path, config, secretKeys };
}
