// Small readers shared by the chart checks: untyped Kubernetes objects, and facts of the rendered stack.
import type { RenderedStack } from "../render/render";

/** A Kubernetes object or part of one, read without a schema. */
export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The value as an object, or an empty one when it is absent or not an object. */
export const obj = (value: unknown): Obj => (value && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : {});

/** The stack builds EKS (rather than targeting an existing cluster). */
export const onEks = (program: RenderedStack): boolean => program.resources.some((r) => r.type === "aws:eks/cluster:Cluster");
