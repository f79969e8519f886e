// Derived data that every policy of one resource would compute again (its pod template, its list of
// containers), kept while the Pulumi adapter (./pulumi.ts) judges one Analyze request's resource by
// all its policies in one synchronous pass; the request's properties do not change in between.
// Outside a pass nothing is kept, so a caller that changes an object between two evaluations never
// reads an answer about what it held before. Values that depend on a string or number key alone
// (perKey) are kept across passes: a key cannot change.

// The memo of every perObject function; filled during a pass only, emptied when it ends.
const memos: Map<object, unknown>[] = [];
let inPass = false;

/** Runs `judge` with the memos of `perObject` functions active; they are emptied when it returns. */
export function inOnePass<T>(judge: () => T): T {
    // A pass inside a pass shares the outer one's memos: nothing changes until the outer one ends.
    if (inPass) return judge();
    inPass = true;
    try {
        return judge();
    } finally {
        inPass = false;
        for (const memo of memos) memo.clear();
    }
}

/** `derive`, remembered per key object during a pass and computed afresh outside one. */
export function perObject<K extends object, V>(derive: (key: K) => V): (key: K) => V {
    const memo = new Map<K, V>();
    memos.push(memo as Map<object, unknown>);
    return (key: K): V => {
        if (!inPass) return derive(key);
        if (memo.has(key)) return memo.get(key)!;
        const value = derive(key);
        memo.set(key, value);
        return value;
    };
}

/**
 * `derive`, remembered per key across passes: for values that depend on the key alone (a parsed type
 * token, a version's minor, a compiled pattern), of which a pack sees few. Emptied once it holds more
 * than `limit`, so odd input cannot grow it without bound.
 */
export function perKey<K, V>(derive: (key: K) => V, limit: number): (key: K) => V {
    const memo = new Map<K, V>();
    return (key: K): V => {
        if (memo.has(key)) return memo.get(key)!;
        if (memo.size > limit) memo.clear();
        const value = derive(key);
        memo.set(key, value);
        return value;
    };
}
