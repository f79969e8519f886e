// Derived data that every policy of one resource would compute again (its pod template, its list of
// containers), kept while the Pulumi adapter (./pulumi.ts) judges one Analyze request's resource by
// all its policies in one synchronous pass; the request's properties do not change in between.
// Outside a pass nothing is kept, so a caller that changes an object between two evaluations never
// reads an answer about what it held before.

let pass: Map<object, WeakMap<object, unknown>> | undefined;

/** Runs `judge` with the memos of `perObject` functions active; they are dropped when it returns. */
export function inOnePass<T>(judge: () => T): T {
    const outer = pass;
    pass = new Map();
    try {
        return judge();
    } finally {
        pass = outer;
    }
}

/** `derive`, remembered per key object during a pass and computed afresh outside one. */
export function perObject<K extends object, V>(derive: (key: K) => V): (key: K) => V {
    const memoised = (key: K): V => {
        if (!pass) return derive(key);
        let memo = pass.get(memoised) as WeakMap<K, V> | undefined;
        if (!memo) pass.set(memoised, (memo = new WeakMap()));
        if (memo.has(key)) return memo.get(key)!;
        const value = derive(key);
        memo.set(key, value);
        return value;
    };
    return memoised;
}
