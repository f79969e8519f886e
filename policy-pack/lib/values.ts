// Safe readers over untyped resource properties. Policies judge resources they have never seen,
// so every read tolerates any shape and none of them throws.
import { perKey } from "./memo";

/** Sentinels the Pulumi engine sends for values that are not known until apply. */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set<string>([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value as an object, or an empty one. */
export function obj(value: unknown): Obj {
    return isObj(value) ? value : {};
}

/** The value as an array, or an empty one. */
export function arr(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
    return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

export function num(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    // YAML and Helm values often carry numbers as strings.
    if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
    return undefined;
}

// The keys of each dotted path, split once: policies read the same few paths on every resource.
const keysOf = perKey((path: string): readonly string[] => path.split("."), 10_000);

/** Reads a dotted path through nested objects. */
export function at(value: unknown, path: string): unknown {
    let current: unknown = value;
    for (const key of keysOf(path)) {
        if (!isObj(current)) return undefined;
        current = current[key];
    }
    return current;
}

export function strings(value: unknown): string[] {
    return arr(value).filter((v): v is string => typeof v === "string");
}

/** True when any value inside is an unknown sentinel (one pass, no allocation). */
export function containsUnknown(value: unknown, depth = 0): boolean {
    if (depth > 64) return false;
    if (typeof value === "string") return isUnknown(value);
    if (Array.isArray(value)) return value.some((v) => containsUnknown(v, depth + 1));
    if (isObj(value)) {
        for (const key in value) {
            if (containsUnknown(value[key], depth + 1)) return true;
        }
    }
    return false;
}

/**
 * Wraps a value so that reading an unknown sentinel anywhere below it is recorded. A policy then
 * knows whether its verdict depended on a value that preview could not know.
 */
export function trackUnknownReads<T>(value: T, onUnknown: (path: string) => void): T {
    const cache = new WeakMap<object, unknown>();
    const wrap = (target: unknown, path: string): unknown => {
        if (typeof target !== "object" || target === null || Object.isFrozen(target)) return target;
        const cached = cache.get(target);
        if (cached) return cached;
        const proxy = new Proxy(target, {
            get(t, key, receiver) {
                const v = Reflect.get(t, key, receiver);
                if (typeof key !== "string") return v;
                const childPath = path ? `${path}.${key}` : key;
                if (isUnknown(v)) {
                    onUnknown(childPath);
                    return v;
                }
                const desc = Object.getOwnPropertyDescriptor(t, key);
                if (desc && desc.configurable === false && desc.writable === false) return v;
                return wrap(v, childPath);
            },
        });
        cache.set(target, proxy);
        return proxy;
    };
    return wrap(value, "") as T;
}
