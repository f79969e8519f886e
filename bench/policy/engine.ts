// The engine path without the network: each request goes through @pulumi/policy's own Analyze handler
// as the pack process receives it (decoded from its bytes, the response encoded), and the CPU time
// of each pack is summed over the same resources, the packs taking turns chunk by chunk.
import { AnalyzeRequest } from "@pulumi/pulumi/proto/analyzer_pb";
import type { ResourceInput } from "../../policy-pack/lib/evaluate";
import { analyzeRequest } from "../../tools/policy-server/analyzer";
import type { AnalyzeHandler } from "./awsguard";

export interface EnginePack {
    label: string;
    analyze: AnalyzeHandler;
}

export interface EngineFigures {
    label: string;
    /** Microseconds of CPU time per resource. */
    cpuPerResource: number;
    diagnostics: number;
}

function once(pack: EnginePack, bytes: Uint8Array): Promise<number> {
    const request = AnalyzeRequest.deserializeBinary(bytes);
    return new Promise((ok, fail) =>
        pack.analyze({ request }, (error, response) => {
            if (error || !response) return fail(error ?? new Error(`${pack.label}: no response`));
            response.serializeBinary();
            ok((response as unknown as { getDiagnosticsList(): unknown[] }).getDiagnosticsList().length);
        }),
    );
}

/** Runs every pack over every resource; chunk after chunk, the pack that goes first rotates. */
export async function measureEngine(packs: EnginePack[], resources: ResourceInput[], chunk = 500): Promise<EngineFigures[]> {
    const requests = resources.map((r) => analyzeRequest({ ...r, props: r.props as Record<string, unknown> }).serializeBinary());
    const figures = packs.map((p) => ({ label: p.label, cpu: 0, diagnostics: 0 }));
    for (let start = 0, turn = 0; start < requests.length; start += chunk, turn++) {
        const slice = requests.slice(start, start + chunk);
        for (let k = 0; k < packs.length; k++) {
            const i = (k + turn) % packs.length;
            const before = process.cpuUsage();
            for (const bytes of slice) figures[i].diagnostics += await once(packs[i], bytes);
            const used = process.cpuUsage(before);
            figures[i].cpu += used.user + used.system;
        }
    }
    return figures.map((f) => ({ label: f.label, cpuPerResource: f.cpu / requests.length, diagnostics: f.diagnostics }));
}
