// Runs ValidatingAdmissionPolicies as the API server does, with a real CEL evaluator (@bufbuild/cel):
// resource and namespace matching of policies and bindings, `variables` evaluated in order and exposed as
// variables.<name>, validations with messageExpression, failurePolicy. The CEL is the manifests' own text.
import { celEnv, isCelError, parse, plan, type CelInput, type CelResult } from "@bufbuild/cel";
import type { AdmissionPolicy, AdmissionPolicyBinding } from "../../infra/admission/image-policies";
import { selectorMatches, type LabelSelector } from "./labels";

export interface ClusterNamespace {
    name: string;
    labels?: Record<string, string>;
}

export interface AdmissionRequest {
    operation: "CREATE" | "UPDATE";
    /** Resource as the API server names it, e.g. apps/v1 deployments. */
    resource: { group: string; version: string; resource: string };
    subResource?: string;
    namespace: string;
    object: Record<string, unknown>;
    oldObject?: Record<string, unknown>;
}

export interface Denial {
    policy: string;
    validation: number;
    message: string;
    reason?: string;
}

export interface Decision {
    allowed: boolean;
    denials: Denial[];
    /** Evaluation errors; under failurePolicy Fail each one denies. */
    errors: { policy: string; expression: string; error: string }[];
    /** Policies that matched the request through at least one binding. */
    evaluated: string[];
}

type Program = (bindings: Record<string, CelInput>) => CelResult;

const env = celEnv();

/** Compiles a CEL expression; a syntax error throws with the expression in the message. */
export function compile(expression: string): Program {
    try {
        return plan(env, parse(expression)) as Program;
    } catch (error) {
        throw new Error(`CEL does not compile: ${expression}\n${(error as Error).message}`, { cause: error });
    }
}

/** JSON to CEL input as Kubernetes presents objects: maps, lists, int64 integers. */
export function toCel(value: unknown): CelInput {
    if (value === null || value === undefined) return null;
    if (Array.isArray(value)) return value.map(toCel);
    if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
    if (typeof value === "object") return new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toCel(v)]));
    return value as CelInput;
}

interface CompiledPolicy {
    manifest: AdmissionPolicy;
    variables: { name: string; program: Program; expression: string }[];
    validations: { program: Program; expression: string; message?: Program; staticMessage?: string; reason?: string }[];
}

export class AdmissionEmulator {
    private readonly policies = new Map<string, CompiledPolicy>();
    private readonly namespaces = new Map<string, Record<string, string>>();

    constructor(
        policies: AdmissionPolicy[],
        private readonly bindings: AdmissionPolicyBinding[],
        namespaces: ClusterNamespace[],
    ) {
        for (const manifest of policies) {
            const spec = manifest.spec as {
                variables?: { name: string; expression: string }[];
                validations?: { expression: string; messageExpression?: string; message?: string; reason?: string }[];
            };
            this.policies.set(manifest.metadata.name, {
                manifest,
                variables: (spec.variables ?? []).map((v) => ({ name: v.name, expression: v.expression, program: compile(v.expression) })),
                validations: (spec.validations ?? []).map((v) => ({
                    expression: v.expression,
                    program: compile(v.expression),
                    ...(v.messageExpression ? { message: compile(v.messageExpression) } : {}),
                    ...(v.message ? { staticMessage: v.message } : {}),
                    ...(v.reason ? { reason: v.reason } : {}),
                })),
            });
        }
        // The API server labels every namespace with its own name.
        for (const ns of namespaces) this.namespaces.set(ns.name, { ...ns.labels, "kubernetes.io/metadata.name": ns.name });
    }

    /** Number of CEL expressions compiled (variables, validations and message expressions). */
    get expressionCount(): number {
        let count = 0;
        for (const policy of this.policies.values())
            count += policy.variables.length + policy.validations.length + policy.validations.filter((v) => v.message).length;
        return count;
    }

    review(request: AdmissionRequest): Decision {
        const labels = this.namespaces.get(request.namespace);
        if (!labels) throw new Error(`namespace ${request.namespace} is not known to the emulated cluster`);
        const decision: Decision = { allowed: true, denials: [], errors: [], evaluated: [] };
        for (const binding of this.bindings) {
            const spec = binding.spec as {
                policyName: string;
                validationActions: string[];
                matchResources?: { namespaceSelector?: LabelSelector };
            };
            const policy = this.policies.get(spec.policyName);
            if (!policy) throw new Error(`binding ${binding.metadata.name} names no policy ${spec.policyName}`);
            if (!this.matches(policy.manifest, request)) continue;
            if (!selectorMatches(spec.matchResources?.namespaceSelector, labels)) continue;
            decision.evaluated.push(spec.policyName);
            this.evaluate(policy, request, labels, spec.validationActions, decision);
        }
        decision.allowed = decision.denials.length === 0;
        return decision;
    }

    private matches(policy: AdmissionPolicy, request: AdmissionRequest): boolean {
        const rules = (
            policy.spec as {
                matchConstraints: {
                    resourceRules: { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }[];
                };
            }
        ).matchConstraints.resourceRules;
        const resource = request.subResource ? `${request.resource.resource}/${request.subResource}` : request.resource.resource;
        const any = (list: string[], value: string) => list.includes("*") || list.includes(value);
        return rules.some(
            (rule) =>
                any(rule.apiGroups, request.resource.group) &&
                any(rule.apiVersions, request.resource.version) &&
                any(rule.operations, request.operation) &&
                any(rule.resources, resource),
        );
    }

    private evaluate(
        policy: CompiledPolicy,
        request: AdmissionRequest,
        labels: Record<string, string>,
        actions: string[],
        decision: Decision,
    ): void {
        const name = policy.manifest.metadata.name;
        const failurePolicy = (policy.manifest.spec as { failurePolicy?: string }).failurePolicy ?? "Fail";
        const object = request.object;
        const apiVersion = String(object.apiVersion);
        const [group, version] = apiVersion.includes("/") ? (apiVersion.split("/") as [string, string]) : ["", apiVersion];
        const bindings: Record<string, CelInput> = {
            object: toCel(object),
            oldObject: toCel(request.oldObject ?? null),
            // No paramKind: Kubernetes binds params to null.
            params: null,
            namespaceObject: toCel({ apiVersion: "v1", kind: "Namespace", metadata: { name: request.namespace, labels } }),
            request: toCel({
                uid: "00000000-0000-0000-0000-000000000000",
                kind: { group, version, kind: object.kind },
                resource: request.resource,
                ...(request.subResource ? { subResource: request.subResource } : {}),
                requestKind: { group, version, kind: object.kind },
                requestResource: request.resource,
                name: (object.metadata as { name?: string } | undefined)?.name ?? "",
                namespace: request.namespace,
                operation: request.operation,
                userInfo: { username: "system:serviceaccount:ci:deployer", groups: ["system:serviceaccounts"] },
                dryRun: false,
            }),
        };
        const fail = (expression: string, error: string) => {
            decision.errors.push({ policy: name, expression, error });
            if (failurePolicy === "Fail" && actions.includes("Deny"))
                decision.denials.push({ policy: name, validation: -1, message: `policy error: ${error}` });
        };
        const variables = new Map<string, CelInput>();
        const withVariables = () => ({ ...bindings, variables: variables as unknown as CelInput });
        for (const variable of policy.variables) {
            const value = variable.program(withVariables());
            if (isCelError(value)) return fail(variable.expression, value.message);
            variables.set(variable.name, value as CelInput);
        }
        policy.validations.forEach((validation, index) => {
            const result = validation.program(withVariables());
            if (isCelError(result)) return fail(validation.expression, result.message);
            if (typeof result !== "boolean") return fail(validation.expression, `validation returned ${typeof result}, not bool`);
            if (result || !actions.includes("Deny")) return;
            let message = validation.staticMessage ?? `failed expression: ${validation.expression}`;
            if (validation.message) {
                const text = validation.message(withVariables());
                if (isCelError(text)) decision.errors.push({ policy: name, expression: "messageExpression", error: text.message });
                else if (typeof text === "string") message = text;
            }
            decision.denials.push({
                policy: name,
                validation: index,
                message,
                ...(validation.reason ? { reason: validation.reason } : {}),
            });
        });
    }
}
