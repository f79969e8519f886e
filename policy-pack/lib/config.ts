// Pack configuration: the same JSON file feeds `pulumi preview --policy-pack-config <file>` and the
// offline tools. Top-level keys are policy names (or "all"); each value is an enforcement level or
// an object with `enforcementLevel`, `exemptions` and the policy's own settings.
import { z } from "zod";
import type { AnyPolicy, CommonPolicyConfig, EnforcementLevel, Exemption } from "./types";
import type { PolicyConfigSchema } from "@pulumi/policy";

export const enforcementLevelSchema = z.enum(["advisory", "mandatory", "remediate", "disabled"]);

export const exemptionSchema = z
    .object({
        namespace: z.string().min(1).optional(),
        name: z.string().min(1).optional(),
        // A name alone matches that name in every namespace too; a cluster-scoped object (a
        // ClusterRole) has no namespace to narrow it by, so this flag keeps same-named Roles out.
        clusterScoped: z.literal(true).optional(),
        reason: z.string().trim().min(10, "an exemption needs a written reason (at least 10 characters)"),
    })
    .strict()
    .refine((e) => e.namespace !== undefined || e.name !== undefined, {
        message: "an exemption names a namespace, a resource name, or both",
    })
    .refine((e) => !e.clusterScoped || (e.name !== undefined && e.namespace === undefined), {
        message: "a clusterScoped exemption names the object and no namespace",
    });

export type ExemptionSpec = z.infer<typeof exemptionSchema>;

const policyObjectSchema = z
    .object({ enforcementLevel: enforcementLevelSchema.optional(), exemptions: z.array(exemptionSchema).optional() })
    .catchall(z.unknown());

/** Each entry is an enforcement level, or an object; checked one by one so errors name the key. */
const policyEntrySchema = z.unknown().superRefine((value, ctx) => {
    const result = typeof value === "string" ? enforcementLevelSchema.safeParse(value) : policyObjectSchema.safeParse(value);
    for (const issue of result.error?.issues ?? []) ctx.addIssue({ ...issue, code: "custom", path: issue.path, message: issue.message });
}) as unknown as z.ZodType<z.infer<typeof enforcementLevelSchema> | z.infer<typeof policyObjectSchema>>;

export const packConfigSchema = z.record(z.string(), policyEntrySchema);
export type PackConfig = Record<string, z.infer<typeof enforcementLevelSchema> | z.infer<typeof policyObjectSchema>>;

export class PackConfigError extends Error {}

/** Validates a pack config against the schema and every named policy's own settings. */
export function parsePackConfig(input: unknown, policies: AnyPolicy[], source = "pack config"): PackConfig {
    const parsed = packConfigSchema.safeParse(input ?? {});
    if (!parsed.success) throw new PackConfigError(`${source}: ${formatIssues(parsed.error)}`);
    const data = parsed.data as PackConfig;
    const byName = new Map(policies.map((p) => [p.name, p]));
    for (const [key, entry] of Object.entries(data)) {
        if (key === "all") continue;
        const policy = byName.get(key);
        if (!policy) {
            throw new PackConfigError(
                `${source}: unknown policy "${key}"; valid names are "all" or one of: ${[...byName.keys()].join(", ")}`,
            );
        }
        if (typeof entry === "object") {
            const { enforcementLevel: _level, exemptions: _exemptions, ...own } = entry;
            const schema = (policy.config ?? z.object({})) as z.ZodType;
            const strictSchema = schema instanceof z.ZodObject ? schema.strict() : schema;
            const result = strictSchema.safeParse(own);
            if (!result.success) throw new PackConfigError(`${source}: "${key}": ${formatIssues(result.error)}`);
        }
    }
    return data;
}

function formatIssues(error: z.ZodError): string {
    return error.issues.map((i) => `${i.path.length ? i.path.join(".") + ": " : ""}${i.message}`).join("; ");
}

export function enforcementFor(policy: AnyPolicy, config: PackConfig): EnforcementLevel {
    const entry = config[policy.name];
    const fromEntry = typeof entry === "string" ? entry : entry?.enforcementLevel;
    const all = config.all;
    const fromAll = typeof all === "string" ? all : all?.enforcementLevel;
    return fromEntry ?? fromAll ?? policy.enforcementLevel;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Settings = { own: any; common: CommonPolicyConfig };
// The engine asks for the config on every resource; parsing it once per distinct value keeps Analyze fast.
const settingsCache = new WeakMap<AnyPolicy, Map<string, Settings>>();

/** The policy's typed settings (defaults applied) plus its exemptions. */
export function settingsFor(policy: AnyPolicy, raw: Record<string, unknown> | undefined): Settings {
    const key = raw === undefined || isEmpty(raw) ? "{}" : JSON.stringify(raw);
    let cache = settingsCache.get(policy);
    if (!cache) settingsCache.set(policy, (cache = new Map()));
    let settings = cache.get(key);
    if (!settings) {
        if (cache.size > 100) cache.clear();
        settings = parseSettings(policy, raw);
        cache.set(key, settings);
    }
    return settings;
}

function isEmpty(raw: Record<string, unknown>): boolean {
    for (const _ in raw) return false;
    return true;
}

function parseSettings(policy: AnyPolicy, raw: Record<string, unknown> | undefined): Settings {
    const { enforcementLevel: _level, exemptions, ...own } = raw ?? {};
    const schema = (policy.config ?? z.object({})) as z.ZodType;
    const parsedOwn = schema.safeParse(own);
    const validExemptions = z.array(exemptionSchema).safeParse(exemptions ?? []);
    return {
        own: parsedOwn.success ? parsedOwn.data : schema.parse({}),
        common: { exemptions: validExemptions.success ? (validExemptions.data as Exemption[]) : [] },
    };
}

export function rawEntry(policy: AnyPolicy, config: PackConfig): Record<string, unknown> | undefined {
    const entry = config[policy.name];
    return typeof entry === "object" ? entry : undefined;
}

/**
 * Finds the exemption that covers a resource: every field it names must match. A name may end in `*`;
 * a clusterScoped exemption covers only a resource without a namespace.
 */
export function findExemption<E extends Exemption>(exemptions: E[], target: { namespace?: string; names: string[] }): E | undefined {
    return exemptions.find((e: ExemptionSpec) => {
        if (e.namespace === undefined && e.name === undefined) return false;
        if (e.namespace !== undefined && e.namespace !== target.namespace) return false;
        if (e.clusterScoped && target.namespace !== undefined) return false;
        if (e.name !== undefined && !target.names.some((n) => nameMatches(e.name!, n))) return false;
        return true;
    });
}

function nameMatches(pattern: string, name: string): boolean {
    return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/** The JSON schema Pulumi validates `--policy-pack-config` against, derived from the zod settings. */
export function pulumiConfigSchema(policy: AnyPolicy): PolicyConfigSchema {
    const exemptions = {
        type: "array" as const,
        description: "Resources this policy does not judge, each with the written reason that reports show.",
        items: {
            type: "object" as const,
            properties: {
                namespace: { type: "string" as const, minLength: 1 },
                name: { type: "string" as const, minLength: 1 },
                clusterScoped: {
                    type: "boolean" as const,
                    enum: [true],
                    description: "Covers only the named object when it has no namespace (a ClusterRole).",
                },
                reason: { type: "string" as const, minLength: 10 },
            },
            required: ["reason"],
            additionalProperties: false,
        },
    };
    const properties: PolicyConfigSchema["properties"] = { exemptions };
    if (policy.config) {
        const json = z.toJSONSchema(policy.config as z.ZodType, { io: "input", unrepresentable: "any" }) as {
            properties?: Record<string, unknown>;
        };
        for (const [key, value] of Object.entries(json.properties ?? {})) {
            properties[key] = value as PolicyConfigSchema["properties"][string];
        }
    }
    return { properties };
}
