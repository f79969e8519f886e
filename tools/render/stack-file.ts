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
    /** Where each secret is: the key, then the path inside its value (`["secure-platform:vault", "database", "password"]`). */
    secretPaths: (string | number)[][];
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

/** Replaces `secure:` values (at any depth) with the placeholder and says where they were. */
function withoutCiphertext(value: unknown, path: (string | number)[] = []): { value: unknown; secrets: (string | number)[][] } {
    if (isSecure(value)) return { value: SECRET_PLACEHOLDER, secrets: [path] };
    if (Array.isArray(value)) {
        const items = value.map((item, i) => withoutCiphertext(item, [...path, i]));
        return { value: items.map((i) => i.value), secrets: items.flatMap((i) => i.secrets) };
    }
    if (typeof value === "object" && value !== null) {
        const entries = Object.entries(value).map(([k, v]) => [k, withoutCiphertext(v, [...path, k])] as const);
        return { value: Object.fromEntries(entries.map(([k, v]) => [k, v.value])), secrets: entries.flatMap(([, v]) => v.secrets) };
    }
    return { value, secrets: [] };
}

/** Reads stacks/Pulumi.<stack>.yaml the way the Pulumi CLI hands it to a program. */
export function readStackFile(stack: string, dir = STACKS_DIR): StackFile {
    const path = [join(dir, `Pulumi.${stack}.yaml`), join(dir, `Pulumi.${stack}.yml`)].find(existsSync);
    if (!path) {
        throw new StackFileError(`No stack file for "${stack}" in ${dir}; stacks available: ${listStacks(dir).join(", ") || "none"}`);
    }
    return readStackFileAt(path, stack);
}

/** The stack a file is for, from its name `Pulumi.<stack>.yaml`, as the Pulumi CLI reads it. */
export function stackOfFileName(path: string): string | undefined {
    return /(?:^|[\\/])Pulumi\.([^\\/]+)\.ya?ml$/.exec(path)?.[1];
}

/**
 * Reads a stack file from any path (a candidate change, a file outside stacks/). The stack is the one given
 * or the one the file's name says; a file named otherwise is refused rather than rendered as a guessed stack.
 */
export function readStackFileAt(path: string, stack = stackOfFileName(path)): StackFile {
    if (!existsSync(path)) throw new StackFileError(`No stack file at ${path}`);
    if (stack === undefined) {
        throw new StackFileError(
            `${path}: cannot tell which stack this file is for; name it Pulumi.<stack>.yaml or give the stack (--stack <name>)`,
        );
    }
    let text: string;
    try {
        text = readFileSync(path, "utf8");
    } catch (error) {
        throw new StackFileError(`${path}: cannot read: ${(error as Error).message}`);
    }
    let document: { config?: Record<string, unknown> } | null;
    try {
        document = parse(text) as typeof document;
    } catch (error) {
        const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
        throw new StackFileError(`${path}${line ? `:${line}` : ""}: not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const secretPaths: (string | number)[][] = [];
    for (const [key, raw] of Object.entries(document?.config ?? {})) {
        const { value, secrets } = withoutCiphertext(raw, [key]);
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
        if (secrets.length > 0) secretKeys.push(key);
        secretPaths.push(...secrets);
    }
    return { stack, path, config, secretKeys, secretPaths };
}
