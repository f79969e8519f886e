import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { admissionRules, admissionSchema, type AdmissionConfig } from "./admission/config";
import { clusterSchema, type ClusterConfig } from "./cluster/config";
import { ENVIRONMENT_DEFAULTS, ENVIRONMENTS, type Environment } from "./environments";
import { isOpenToWorld, overlaps, parseCidr, within } from "./lib/cidr";
import { quantityValue } from "./lib/quantity";
import { meshImageRules, meshRules, meshSchema, type MeshConfig } from "./mesh/config";
import { monitoringRules, monitoringSchema, type MonitoringConfig } from "./monitoring/config";
import { namespaceSchema, type NamespaceConfig } from "./namespaces/config";
import { resolveServiceRef, serviceSchema, type ServiceConfig } from "./services/config";
import { resolveVaultConfig, vaultRules, vaultSchema, type VaultConfig } from "./vault/config";
import { serviceMeshRules } from "./services/rules";

export const PROJECT = "secure-platform";

// Public in the SDK's JavaScript, though not in its typings: which config keys the CLI decrypted.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an SDK module without typings
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

export interface PlatformConfig {
    stack: string;
    environment: Environment;
    /** Top-level keys whose value is secret in the stack config; their values must stay pulumi.secret. */
    secretKeys: string[];
    /** Protect data-bearing resources (KMS keys, cluster, log groups, buckets) from deletion. */
    protect: boolean;
    cluster: ClusterConfig;
    namespaces: NamespaceConfig[];
    services: ServiceConfig[];
    admission: AdmissionConfig;
    vault: VaultConfig;
    mesh: MeshConfig;
    monitoring: MonitoringConfig;
}

function platformShape(environment: Environment) {
    return z.strictObject({
        environment: z.enum(ENVIRONMENTS),
        cluster: clusterSchema(ENVIRONMENT_DEFAULTS[environment]),
        namespaces: z.array(namespaceSchema).default([]),
        services: z.array(serviceSchema).default([]),
        admission: admissionSchema(environment).default(admissionSchema(environment).parse({})),
        vault: vaultSchema(environment).prefault({}),
        mesh: meshSchema(environment).prefault({}),
        monitoring: monitoringSchema(environment).default(monitoringSchema(environment).parse({})),
    });
}

type ParsedPlatform = z.infer<ReturnType<typeof platformShape>>;

function platformSchema(environment: Environment) {
    return platformShape(environment).superRefine((config, ctx) => crossFieldRules(config, environment, ctx));
}

function crossFieldRules(config: ParsedPlatform, environment: Environment, ctx: z.RefinementCtx): void {
    const issue = (path: (string | number)[], message: string, input?: unknown) => ctx.addIssue({ code: "custom", path, message, input });

    const cluster = config.cluster;
    if (cluster.mode === "existing" && environment !== "local") {
        issue(["cluster", "mode"], `"existing" is for the local environment; ${environment} builds EKS (mode: eks)`, cluster.mode);
    }
    if (cluster.mode === "eks") {
        // Field-level errors are already reported; cross-field rules only look at values that parsed.
        const vpc = parseCidr(cluster.vpc.cidr);
        const subnets = [
            ...cluster.vpc.privateSubnetCidrs.map((text, i) => ({
                text,
                parsed: parseCidr(text),
                path: ["cluster", "vpc", "privateSubnetCidrs", i],
            })),
            ...cluster.vpc.publicSubnetCidrs.map((text, i) => ({
                text,
                parsed: parseCidr(text),
                path: ["cluster", "vpc", "publicSubnetCidrs", i],
            })),
        ].filter((subnet) => subnet.parsed !== undefined);
        subnets.forEach((subnet, i) => {
            if (vpc && !within(vpc, subnet.parsed!)) issue(subnet.path, `must lie inside the VPC CIDR ${cluster.vpc.cidr}`, subnet.text);
            subnets.slice(0, i).forEach((other) => {
                if (overlaps(other.parsed!, subnet.parsed!))
                    issue(subnet.path, `overlaps ${other.text} (${keyOf(other.path)})`, subnet.text);
            });
        });
        const adopted = cluster.vpc.existing;
        if (adopted && cluster.vpc.publicSubnetCidrs.length > 0) {
            issue(
                ["cluster", "vpc", "publicSubnetCidrs"],
                "must be empty with vpc.existing: the network stack that owns the adopted VPC owns its public subnets and NAT",
                cluster.vpc.publicSubnetCidrs,
            );
        }
        if (adopted && adopted.privateSubnetIds.length !== cluster.vpc.privateSubnetCidrs.length) {
            issue(
                ["cluster", "vpc", "existing", "privateSubnetIds"],
                `must name one subnet per range in vpc.privateSubnetCidrs (${cluster.vpc.privateSubnetCidrs.length}), in the same order`,
                adopted.privateSubnetIds,
            );
        }
        if (!adopted && cluster.vpc.publicSubnetCidrs.length !== cluster.vpc.privateSubnetCidrs.length) {
            issue(
                ["cluster", "vpc", "publicSubnetCidrs"],
                `needs one public subnet (for the NAT gateway) per private subnet: ${cluster.vpc.privateSubnetCidrs.length}, unless cluster.vpc.existing adopts a VPC whose network stack routes it`,
                cluster.vpc.publicSubnetCidrs,
            );
        }
        const serviceCidr = parseCidr(cluster.serviceCidr);
        if (vpc && serviceCidr && overlaps(vpc, serviceCidr)) {
            issue(
                ["cluster", "serviceCidr"],
                `overlaps the VPC CIDR ${cluster.vpc.cidr}; Kubernetes service addresses must not collide with node and pod addresses`,
                cluster.serviceCidr,
            );
        }

        const endpoint = cluster.endpoint;
        if (endpoint.publicAccess && endpoint.publicAccessCidrs.length === 0) {
            issue(
                ["cluster", "endpoint", "publicAccessCidrs"],
                "must list the CIDRs allowed to reach the public API endpoint; without a list EKS opens it to 0.0.0.0/0",
                endpoint.publicAccessCidrs,
            );
        }
        if (!endpoint.publicAccess && endpoint.publicAccessCidrs.length > 0) {
            issue(
                ["cluster", "endpoint", "publicAccessCidrs"],
                "is set but publicAccess is false; remove the list or enable publicAccess",
                endpoint.publicAccessCidrs,
            );
        }
        endpoint.publicAccessCidrs.forEach((text, i) => {
            const parsed = parseCidr(text);
            if (parsed && isOpenToWorld(parsed)) {
                issue(
                    ["cluster", "endpoint", "publicAccessCidrs", i],
                    "must not open the API endpoint to the whole internet; list your office, VPN or CI egress ranges",
                    text,
                );
            }
        });

        cluster.apiAccessCidrs.forEach((text, i) => {
            const parsed = parseCidr(text);
            if (parsed && isOpenToWorld(parsed)) {
                issue(
                    ["cluster", "apiAccessCidrs", i],
                    "must not admit every address to the API; list the deploy runners' subnets and the VPN's client range",
                    text,
                );
            }
        });
        if (!endpoint.publicAccess && cluster.apiAccessCidrs.length === 0) {
            issue(
                ["cluster", "apiAccessCidrs"],
                "must list the ranges that run `pulumi up` and previews (the runners' subnets, the VPN's client range): the endpoint is private and the cluster security group admits nothing else (README.md, \"Run it for real\")",
                cluster.apiAccessCidrs,
            );
        }
        if (cluster.previewRoleArn && cluster.accessEntries.some((entry) => entry.principalArn === cluster.previewRoleArn)) {
            issue(
                ["cluster", "previewRoleArn"],
                "is also in accessEntries; a principal has one access entry, and the preview role's is the preview ClusterRole's",
                cluster.previewRoleArn,
            );
        }

        const groupNames = new Set<string>();
        let minimumNodes = 0;
        cluster.nodeGroups.forEach((group, i) => {
            const path = ["cluster", "nodeGroups", i];
            if (groupNames.has(group.name)) issue([...path, "name"], "is used by another node group; names must be unique", group.name);
            groupNames.add(group.name);
            if (group.minSize > group.desiredSize)
                issue([...path, "minSize"], `must be at most desiredSize (${group.desiredSize})`, group.minSize);
            if (group.desiredSize > group.maxSize)
                issue([...path, "desiredSize"], `must be at most maxSize (${group.maxSize})`, group.desiredSize);
            minimumNodes += group.minSize;
        });
        const required = ENVIRONMENT_DEFAULTS[environment].minimumNodes;
        if (minimumNodes < required) {
            issue(
                ["cluster", "nodeGroups"],
                `${environment} needs at least ${required} nodes in total (sum of minSize) so that replicated workloads spread across zones; got ${minimumNodes}`,
                minimumNodes,
            );
        }

        if (!cluster.accessEntries.some((entry) => entry.access === "cluster-admin")) {
            issue(
                ["cluster", "accessEntries"],
                "needs one entry with access cluster-admin: the principal that runs `pulumi up`",
                cluster.accessEntries.map((e) => e.access),
            );
        }
        const principals = new Set<string>();
        cluster.accessEntries.forEach((entry, i) => {
            if (principals.has(entry.principalArn))
                issue(["cluster", "accessEntries", i, "principalArn"], "appears twice; give each principal one entry", entry.principalArn);
            principals.add(entry.principalArn);
            if (entry.access === "cluster-admin" && entry.namespaces) {
                issue(
                    ["cluster", "accessEntries", i, "namespaces"],
                    "cannot narrow cluster-admin; use admin, edit or view for namespaced access",
                    entry.namespaces,
                );
            }
        });
    }

    const namespaceNames = new Set<string>();
    config.namespaces.forEach((namespace, i) => {
        const path = ["namespaces", i];
        if (namespaceNames.has(namespace.name)) issue([...path, "name"], "is declared twice", namespace.name);
        namespaceNames.add(namespace.name);
        if (namespace.podSecurity !== "restricted" && !namespace.podSecurityReason) {
            issue(
                [...path, "podSecurityReason"],
                `must explain why this namespace cannot run the restricted Pod Security Standard (podSecurity: ${namespace.podSecurity})`,
                undefined,
            );
        }
        const d = namespace.containerDefaults;
        if (quantityValue(d.cpuRequest) > quantityValue(d.cpuLimit))
            issue([...path, "containerDefaults", "cpuRequest"], `must not exceed cpuLimit (${d.cpuLimit})`, d.cpuRequest);
        if (quantityValue(d.memoryRequest) > quantityValue(d.memoryLimit))
            issue([...path, "containerDefaults", "memoryRequest"], `must not exceed memoryLimit (${d.memoryLimit})`, d.memoryRequest);
        const q = namespace.quota;
        if (quantityValue(q.requestsCpu) > quantityValue(q.limitsCpu))
            issue([...path, "quota", "requestsCpu"], `must not exceed limitsCpu (${q.limitsCpu})`, q.requestsCpu);
        if (quantityValue(q.requestsMemory) > quantityValue(q.limitsMemory))
            issue([...path, "quota", "requestsMemory"], `must not exceed limitsMemory (${q.limitsMemory})`, q.requestsMemory);
        if (quantityValue(d.cpuLimit) > quantityValue(q.limitsCpu))
            issue([...path, "containerDefaults", "cpuLimit"], `must fit in the namespace quota limitsCpu (${q.limitsCpu})`, d.cpuLimit);
        if (quantityValue(d.memoryLimit) > quantityValue(q.limitsMemory))
            issue(
                [...path, "containerDefaults", "memoryLimit"],
                `must fit in the namespace quota limitsMemory (${q.limitsMemory})`,
                d.memoryLimit,
            );
    });

    vaultRules(config.vault, { environment, clusterMode: config.cluster.mode, services: config.services }, issue);
    monitoringRules(config.monitoring, environment, issue);

    const services = new Set(config.services.map((s) => `${s.namespace}/${s.name}`));
    const seen = new Set<string>();
    config.services.forEach((service, i) => {
        const path = ["services", i];
        const id = `${service.namespace}/${service.name}`;
        if (seen.has(id)) issue([...path, "name"], `${id} is declared twice`, service.name);
        seen.add(id);
        if (!namespaceNames.has(service.namespace)) {
            issue(
                [...path, "namespace"],
                `is not declared under namespaces (declared: ${[...namespaceNames].join(", ") || "none"})`,
                service.namespace,
            );
        }
        const portNames = new Set<string>();
        service.ports.forEach((port, j) => {
            if (portNames.has(port.name)) issue([...path, "ports", j, "name"], "is used by another port of this service", port.name);
            portNames.add(port.name);
        });
        service.callers.forEach((caller, j) => {
            const ref = resolveServiceRef(caller, service.namespace);
            if (!services.has(`${ref.namespace}/${ref.name}`)) {
                issue(
                    [...path, "callers", j],
                    `names no declared service (${ref.namespace}/${ref.name}); declared: ${[...services].join(", ")}`,
                    caller,
                );
            }
        });
    });

    admissionRules(config.admission, [...namespaceNames], environment, issue);
    meshRules(
        config.mesh,
        config.namespaces.map((n) => n.name),
        environment,
        issue,
    );
    meshImageRules(config.mesh, config.admission, issue);
    const tools = config.vault.toolsImage.split("@")[0]!;
    if (config.admission.signatures.enabled && tools.lastIndexOf(":") <= tools.lastIndexOf("/")) {
        issue(
            ["vault", "toolsImage"],
            "needs a tag as well as any digest while admission.signatures is on: it also runs policy-controller's uninstall hook, whose chart writes <repository>:<version> (for example registry.example.com/mirror/alpine/k8s:1.33.4@sha256:<digest>)",
            config.vault.toolsImage,
        );
    }
    serviceMeshRules(config.services, issue);
}

/** A configuration error: every problem, each naming its key, the value given and what is valid. */
export class ConfigError extends Error {
    constructor(
        readonly stack: string,
        readonly problems: string[],
        /** Where the keys these problems name are documented (for nested keys). */
        readonly docs: string[] = [],
    ) {
        const footer = docs.length > 0 ? `\nThe keys are documented in ${docs.join(", ")}.` : "";
        super(`Invalid configuration for stack "${stack}":\n${problems.map((p) => `  - ${p}`).join("\n")}${footer}`);
        this.name = "ConfigError";
    }
}

function describeValue(value: unknown): string {
    if (value === undefined) return "nothing";
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function keyOf(path: PropertyKey[]): string {
    const [head, ...rest] = path;
    let key = `${PROJECT}:${String(head)}`;
    for (const part of rest) key += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
    return key;
}

/** Where each top-level key's settings are documented, so that an error about a nested key can say where to look. */
export const CONFIG_DOCS: Record<string, string> = {
    environment: "README.md#configuration",
    cluster: "README.md#configuration",
    namespaces: "README.md#configuration",
    services: "README.md#configuration",
    mesh: "docs/mesh.md#configuration",
    vault: "docs/vault.md#configuration-secure-platformvault",
    monitoring: "docs/monitoring.md#configuration-secure-platformmonitoring",
    admission: "docs/admission.md#configuration-secure-platformadmission",
};

/**
 * Which secrets an error may touch: offline, the stack file says exactly where each `secure:` value is
 * (`paths`, without the project prefix); at run time the CLI only says which top-level keys hold one (`keys`).
 */
export interface SecretLocations {
    keys: string[];
    paths?: (string | number)[][];
}

const isPrefix = (a: PropertyKey[], b: PropertyKey[]) => a.length <= b.length && a.every((part, i) => String(part) === String(b[i]));

/** Why a value is not shown, or undefined when it can be: never claim a value is a secret when it is not. */
function hiddenBecause(path: PropertyKey[], secrets: SecretLocations): string | undefined {
    const key = `${PROJECT}:${String(path[0])}`;
    if (secrets.paths) {
        if (secrets.paths.some((secret) => isPrefix(secret, path))) return "it is a secret";
        if (secrets.paths.some((secret) => isPrefix(path, secret))) return "it holds a secret";
        return undefined;
    }
    return secrets.keys.includes(String(path[0])) ? `${key} holds a secret` : undefined;
}

function docsOf(path: PropertyKey[]): string {
    return CONFIG_DOCS[String(path[0])] ?? "README.md#configuration";
}

/** The documentation of each block that a nested key's problem is in, once each, in order. */
function docsOfIssues(error: z.ZodError): string[] {
    return [...new Set(error.issues.filter((issue) => issue.path.length > 1).map((issue) => docsOf(issue.path)))];
}

function problemsOf(error: z.ZodError, secrets: SecretLocations): string[] {
    return error.issues.flatMap((issue) => {
        if (issue.code === "unrecognized_keys") {
            // A typo in a key name is named itself, not its parent.
            return issue.keys.map((key) => {
                const path = [...issue.path, key];
                const valid = issue.path.length === 0 ? ` (valid: ${Object.keys(CONFIG_DOCS).join(", ")})` : "";
                return `${keyOf(path)}: is not a known key${valid}; the valid keys are documented in ${docsOf(path)}`;
            });
        }
        const hidden = issue.path.length > 0 ? hiddenBecause(issue.path, secrets) : undefined;
        const given = !("input" in issue) ? "" : hidden ? ` (value not shown: ${hidden})` : ` (got ${describeValue(issue.input)})`;
        const key = issue.path.length > 0 ? keyOf(issue.path) : `${PROJECT}:<root>`;
        return `${key}: ${issue.message}${given}`;
    });
}

/** Edit distance, for namespaces that are this project's misspelt. */
function distance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length]!;
}

/**
 * The program reads only `secure-platform:` keys, so a key in a namespace that is nearly that one
 * (`secure-platfrom:mesh`, `Secure-Platform:vault`) would be ignored and defaults applied: it is an error.
 */
function misspeltNamespaces(keys: string[]): string[] {
    return keys.flatMap((key) => {
        const colon = key.indexOf(":");
        if (colon < 0) return [];
        const namespace = key.slice(0, colon);
        if (namespace === PROJECT || distance(namespace.toLowerCase().replace(/_/g, "-"), PROJECT) > 3) return [];
        return [
            `${key}: "${namespace}" is not this project's namespace, so the program would ignore the key and apply defaults; did you mean ${PROJECT}:${key.slice(colon + 1)}?`,
        ];
    });
}

/** Structured config arrives as JSON text; plain values as strings. */
function parseConfigValue(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/**
 * Validates a stack's whole configuration as the Pulumi CLI passes it (fully qualified keys, JSON text for
 * objects): the `secure-platform:` keys, and keys in namespaces that look like a misspelling of it.
 */
export function parseStackConfig(stack: string, config: Record<string, string>, secrets: SecretLocations): PlatformConfig {
    const prefix = `${PROJECT}:`;
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
        if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = parseConfigValue(value);
    }
    const problems = misspeltNamespaces(Object.keys(config));
    let parsed: PlatformConfig | undefined;
    let docs: string[] = [];
    try {
        parsed = parsePlatformConfig(stack, raw, secrets);
    } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(...error.problems);
        docs = error.docs;
    }
    if (problems.length > 0 || !parsed) throw new ConfigError(stack, problems, docs);
    return parsed;
}

/**
 * Validates raw stack configuration (the `secure-platform:*` keys without their prefix) and applies the
 * environment's defaults. Throws ConfigError naming every invalid key; never returns a partial config.
 */
export function parsePlatformConfig(stack: string, raw: Record<string, unknown>, secrets: string[] | SecretLocations = []): PlatformConfig {
    const secretLocations = Array.isArray(secrets) ? { keys: secrets } : secrets;
    const secretKeys = secretLocations.keys;
    const environmentValue = raw["environment"] ?? (ENVIRONMENTS as readonly string[]).find((e) => e === stack);
    const environment = z.enum(ENVIRONMENTS).safeParse(environmentValue);
    if (!environment.success) {
        throw new ConfigError(stack, [
            `${PROJECT}:environment: must be one of ${ENVIRONMENTS.join(", ")} (got ${describeValue(environmentValue)}); set it when the stack name is not an environment name`,
        ]);
    }
    const parsed = platformSchema(environment.data).safeParse({ ...raw, environment: environment.data }, { reportInput: true });
    if (!parsed.success) throw new ConfigError(stack, problemsOf(parsed.error, secretLocations), docsOfIssues(parsed.error));
    const config = parsed.data;
    return {
        stack,
        environment: config.environment,
        secretKeys,
        protect: ENVIRONMENT_DEFAULTS[config.environment].protect,
        cluster: config.cluster,
        namespaces: config.namespaces,
        services: config.services,
        admission: config.admission,
        vault: resolveVaultConfig(config.vault, config.cluster.mode),
        mesh: config.mesh,
        monitoring: config.monitoring,
    };
}

/** Reads the running stack's configuration and validates it. */
export function loadPlatformConfig(): PlatformConfig {
    const config = pulumi.runtime.allConfig();
    const prefix = `${PROJECT}:`;
    const keys = Object.keys(config)
        .filter((key) => key.startsWith(prefix) && runtimeConfig.isConfigSecret(key))
        .map((key) => key.slice(prefix.length));
    return parseStackConfig(pulumi.getStack(), config, { keys });
}
