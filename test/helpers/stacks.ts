import { kubernetesObjects, renderStack, type RenderedResource, type RenderedStack } from "../../tools/render/render";
import { listStacks } from "../../tools/render/stack-file";

export const STACKS = listStacks();

const cache = new Map<string, Promise<RenderedStack>>();
let queue: Promise<unknown> = Promise.resolve();

/** Renders each stack once per test run; renders run one at a time (the Pulumi runtime is global). */
export function rendered(stack: string): Promise<RenderedStack> {
    let result = cache.get(stack);
    if (!result) {
        result = queue.then(() => renderStack(stack));
        queue = result.catch(() => undefined);
        cache.set(stack, result);
    }
    return result;
}

/** Renders with config overrides, uncached, after any render already queued. */
export function renderWith(stack: string, configOverrides: Record<string, string | undefined>): Promise<RenderedStack> {
    const result = queue.then(() => renderStack(stack, { configOverrides }));
    queue = result.catch(() => undefined);
    return result;
}

export function ofType(stack: RenderedStack, type: string): RenderedResource[] {
    return stack.resources.filter((resource) => resource.type === type);
}

export function only(stack: RenderedStack, type: string): RenderedResource {
    const found = ofType(stack, type);
    if (found.length !== 1) throw new Error(`expected exactly one ${type} in ${stack.stack}, found ${found.length}`);
    return found[0]!;
}

export { kubernetesObjects };
