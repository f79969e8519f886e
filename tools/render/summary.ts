import type { RenderedResource, RenderedStack } from "./render";

export interface ComponentSummary {
    component: string;
    name: string;
    total: number;
    byType: Record<string, number>;
}

/** Groups a rendered stack's resources under their top-level component, counted per type. */
export function summarize(rendered: RenderedStack): ComponentSummary[] {
    const byUrn = new Map(rendered.resources.map((r) => [r.urn, r]));
    const root = (resource: RenderedResource): RenderedResource => {
        let current = resource;
        while (current.parent && byUrn.has(current.parent)) current = byUrn.get(current.parent)!;
        return current;
    };
    const groups = new Map<string, ComponentSummary>();
    for (const resource of rendered.resources) {
        if (!resource.custom && !resource.parent) continue; // the component itself heads its group
        const top = root(resource);
        const group = groups.get(top.urn) ?? { component: top.type, name: top.name, total: 0, byType: {} };
        group.total += 1;
        group.byType[resource.type] = (group.byType[resource.type] ?? 0) + 1;
        groups.set(top.urn, group);
    }
    return [...groups.values()];
}

export function formatSummary(rendered: RenderedStack): string {
    const lines = [`Stack ${rendered.stack}: ${rendered.resources.length} resources`, ""];
    for (const group of summarize(rendered)) {
        lines.push(`${group.component} "${group.name}" (${group.total})`);
        for (const [type, count] of Object.entries(group.byType).sort()) lines.push(`  ${String(count).padStart(4)}  ${type}`);
    }
    lines.push("", "Outputs:");
    for (const [key, value] of Object.entries(rendered.outputs)) lines.push(`  ${key}: ${JSON.stringify(value)}`);
    return lines.join("\n");
}
