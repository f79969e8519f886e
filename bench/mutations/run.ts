// `npm run bench:mutations`: single insecure changes to the rendered prod stack, each judged by the
// policy pack with prod's pack config and by the reference checks (test/helpers/references.ts). Prints
// what kills each one and the kill rate; exits 1 when a mutation survives or is not killed by its named killer.
import { baseline, runMutation, type MutationResult } from "./kill";
import { MUTATIONS, type Area } from "./mutations";

const STACK = "prod";

function pad(text: string, width: number): string {
    return text.length >= width ? text : text + " ".repeat(width - text.length);
}

async function main(): Promise<number> {
    const started = performance.now();
    const base = await baseline(STACK);
    const rendered = performance.now();
    const results: MutationResult[] = [];
    for (const mutation of MUTATIONS) results.push(await runMutation(base, mutation));
    const judged = performance.now();

    const idWidth = Math.max(...MUTATIONS.map((m) => m.id.length)) + 2;
    // A mutation counts as killed only by the killer it names; another policy catching it is shown, not counted.
    const byKiller = (r: MutationResult) => r.killedBy.includes(r.mutation.killer);
    console.log(`${pad("MUTATION", idWidth)}${pad("AREA", 12)}${pad("KILLED", 8)}BY`);
    for (const r of results) {
        const verdict = byKiller(r) ? "yes" : r.killed ? "OTHER" : "NO";
        const by = r.killed ? r.killedBy.join(", ") : `survives: ${r.mutation.description}`;
        console.log(
            `${pad(r.mutation.id, idWidth)}${pad(r.mutation.area, 12)}${pad(verdict, 8)}${by}${byKiller(r) ? "" : ` (must be ${r.mutation.killer})`}`,
        );
    }
    const byArea = new Map<Area, { total: number; killed: number }>();
    for (const r of results) {
        const entry = byArea.get(r.mutation.area) ?? { total: 0, killed: 0 };
        entry.total++;
        if (byKiller(r)) entry.killed++;
        byArea.set(r.mutation.area, entry);
    }
    console.log("");
    for (const [area, { total, killed }] of byArea) console.log(`${pad(area, 12)}${killed}/${total}`);
    const killed = results.filter(byKiller).length;
    console.log(
        `\nstack ${STACK}: ${base.resources.length} resources, ${base.mandatory.size} mandatory violations and ${base.references.size} broken references before mutation`,
    );
    console.log(`kill rate: ${killed}/${results.length} = ${((100 * killed) / results.length).toFixed(1)}%`);
    console.log(
        `render ${((rendered - started) / 1000).toFixed(1)} s, ${results.length} evaluations ${((judged - rendered) / 1000).toFixed(1)} s`,
    );
    return killed === results.length ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (error: unknown) => {
        console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
        process.exit(2);
    },
);
