// `npm run pack-config [-- --check]`: writes policy-pack/config/<stack>.json from each stack's
// config, so the CrossGuard pack's image policies and the cluster's admission policies read one
// allowed-registry list, and the pack expects what the stack promises (log retention, KMS window).
// The files are Pulumi policy pack configs (`--policy-pack-config`); edit the stack files instead.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ConfigError, type PlatformConfig } from "../infra/config";
import { exemptionSchema, PackConfigError, parsePackConfig, type PackConfig } from "../policy-pack/lib/config";
import { allPolicies } from "../policy-pack/policies";
import { withKubernetesVersion } from "../policy-pack/policies/kubernetes/pod-security/versions";
import { platformConfigOf as platformConfigOfFile } from "./render/platform-config";
import { listStacks, readStackFile, REPO_ROOT, type StackFile } from "./render/stack-file";

export const PACK_CONFIG_DIR = join(REPO_ROOT, "policy-pack", "config");

/** What the pack's image policy reads: the same shape imageVerdict() takes. */
export interface PackImageConfig {
    allowedRegistries: string[];
    requireDigest: boolean;
}

/** The stack's validated config, as the program reads it. */
export function platformConfigOf(stack: string): PlatformConfig {
    return platformConfigOfFile(readStackFile(stack));
}

/** The validated admission settings of a stack, as the program itself reads them. */
export function packConfigFor(stack: string): PackImageConfig {
    const { admission } = platformConfigOf(stack);
    return { allowedRegistries: [...admission.allowedRegistries], requireDigest: admission.requireDigest };
}

/**
 * The stack's policy pack config: keys are policy names. Namespaces that admission exempts from
 * the image rules (with their reason) are exempt from the pack's image policies too.
 */
export function policyPackConfigFor(stack: string | PlatformConfig): Record<string, unknown> {
    const config = typeof stack === "string" ? platformConfigOf(stack) : stack;
    const exemptions = config.admission.exemptNamespaces.map(({ name, reason }) => ({ namespace: name, reason }));
    const withExemptions = (settings: Record<string, unknown>) => (exemptions.length ? { ...settings, exemptions } : settings);
    const pack: Record<string, unknown> = {
        "k8s:images:allowed-registries": withExemptions({ allowedRegistries: [...config.admission.allowedRegistries] }),
        "k8s:images:no-latest-tag": withExemptions({}),
        "k8s:images:require-digest": withExemptions({ enforcementLevel: config.admission.requireDigest ? "mandatory" : "advisory" }),
    };
    const applicationNamespaces = config.namespaces.map((namespace) => namespace.name);
    // Admission requires digests in the application namespaces only (it labels them); so does the pack.
    if (config.admission.requireDigest) {
        (pack["k8s:images:require-digest"] as Record<string, unknown>).namespaces = applicationNamespaces;
    }
    // The default-deny rules are about the application namespaces the stack declares; platform
    // components (Vault, the policy-controller, ...) run in their own system namespaces.
    pack["k8s:network-policy:namespace-default-deny"] = { applicationNamespaces };
    pack["istio:namespace-default-deny"] = { applicationNamespaces };
    // The AWS policies that judge by environment learn it here: only the prod stack is production.
    const production = config.environment === "prod";
    pack["aws:rds-multi-az"] = { production };
    pack["aws:lb-deletion-protection"] = { production };
    if (config.cluster.mode === "eks") {
        pack["aws:cloudwatch-log-retention"] = { minRetentionDays: config.cluster.logRetentionDays };
        pack["aws:kms-key-rotation"] = { minDeletionWindowDays: config.cluster.kmsDeletionWindowDays };
        // The program encrypts its bucket and its node volumes with its own KMS keys; the pack holds it to that.
        pack["aws:s3-bucket-kms-encryption"] = { requireCustomerManagedKey: true };
        pack["aws:ec2-encrypted-volumes"] = { requireCustomerManagedKey: true };
    }
    // Pod Security is judged as the stack's cluster admits pods: at its Kubernetes version.
    return withKubernetesVersion(pack as PackConfig, config.cluster.kubernetesVersion, allPolicies);
}

export function packConfigPath(stack: string): string {
    return join(PACK_CONFIG_DIR, `${stack}.json`);
}

/**
 * Reviewed, hand-written additions for one stack (`policy-pack/config/reviewed/<stack>.json`, same
 * shape): enforcement levels, settings, and exemptions, each with its written reason.
 */
export function reviewedConfigPath(stack: string): string {
    return join(PACK_CONFIG_DIR, "reviewed", `${stack}.json`);
}

type Entry = string | Record<string, unknown>;

/**
 * Reviewed exemptions for what a component installs, its third-party charts or its AWS resources (`config/exemptions.<component>.json`:
 * a list of `{ policy, namespace?, name?, clusterScoped?, reason }`), layered into every stack where
 * the component runs. A namespace in them is the one it was reviewed for: a stack that runs the
 * component elsewhere fails here, so that the exemption is reviewed again rather than silently lost.
 */
export const COMPONENT_EXEMPTIONS: { file: string; runs: (c: PlatformConfig) => boolean; namespaces: (c: PlatformConfig) => string[] }[] = [
    {
        file: "exemptions.mesh.json",
        runs: () => true,
        namespaces: ({ mesh }) => [mesh.rootNamespace, mesh.cniNamespace, mesh.ingressNamespace, mesh.egressNamespace],
    },
    {
        file: "exemptions.monitoring.json",
        runs: ({ monitoring }) => monitoring.enabled,
        namespaces: ({ monitoring }) => [monitoring.namespace, monitoring.falcoNamespace],
    },
    {
        file: "exemptions.policy-controller.json",
        runs: ({ admission }) => admission.signatures.enabled,
        namespaces: ({ admission }) => [admission.signatures.policyController.namespace],
    },
    {
        // The AWS resources of Vault's backups, which exist on EKS only; they have no namespace.
        file: "exemptions.vault.json",
        runs: ({ cluster }) => cluster.mode === "eks",
        namespaces: () => [],
    },
    {
        file: "exemptions.trivy-operator.json",
        runs: ({ monitoring }) => monitoring.enabled,
        namespaces: ({ monitoring }) => [monitoring.trivyNamespace],
    },
];

const componentExemptionSchema = z.array(z.looseObject({ policy: z.string().min(1) }));

/** One component file's exemptions as pack config entries, checked against the stack's namespaces. */
export function componentExemptionEntries(source: string, input: unknown, namespaces: string[]): Record<string, Entry> {
    const entries: Record<string, Entry> = {};
    componentExemptionSchema.parse(input).forEach(({ policy, ...fields }, i) => {
        const parsed = exemptionSchema.safeParse(fields);
        if (!parsed.success)
            throw new PackConfigError(`${source}[${i}] (${policy}): ${parsed.error.issues.map((issue) => issue.message).join("; ")}`);
        const { namespace } = parsed.data;
        if (namespace !== undefined && !namespaces.includes(namespace)) {
            throw new PackConfigError(
                `${source}[${i}] (${policy}): reviewed for namespace "${namespace}", but the stack runs the component in ${namespaces.map((n) => `"${n}"`).join(", ")}; review the exemption for the new namespace`,
            );
        }
        const exemptions = (entries[policy] as { exemptions?: unknown[] } | undefined)?.exemptions ?? [];
        entries[policy] = { exemptions: [...exemptions, parsed.data] };
    });
    return entries;
}

/** The component exemptions of every component the stack runs. */
export function componentExemptionsFor(config: PlatformConfig): Record<string, Entry> {
    let merged: Record<string, Entry> = {};
    for (const component of COMPONENT_EXEMPTIONS.filter((c) => c.runs(config))) {
        const source = `policy-pack/config/${component.file}`;
        const input = JSON.parse(readFileSync(join(PACK_CONFIG_DIR, component.file), "utf8")) as unknown;
        merged = mergePackConfigs(merged, componentExemptionEntries(source, input, component.namespaces(config)));
    }
    return merged;
}

/** Generated settings first, reviewed ones on top; exemptions from both are kept. */
export function mergePackConfigs(generated: Record<string, Entry>, reviewed: Record<string, Entry>): Record<string, Entry> {
    const merged: Record<string, Entry> = { ...generated };
    for (const [policy, entry] of Object.entries(reviewed)) {
        const base = merged[policy];
        const baseObject = typeof base === "string" ? { enforcementLevel: base } : (base ?? {});
        const addition = typeof entry === "string" ? { enforcementLevel: entry } : entry;
        const exemptions = [...((baseObject.exemptions as unknown[]) ?? []), ...((addition.exemptions as unknown[]) ?? [])];
        merged[policy] = { ...baseObject, ...addition, ...(exemptions.length ? { exemptions } : {}) };
    }
    return merged;
}

/**
 * Generated settings, then the exemptions of the components the stack runs, then the stack's reviewed
 * additions: from any stack file, so that a candidate file is judged by what it declares itself.
 */
export function packConfigOfFile(file: StackFile): Record<string, Entry> {
    const reviewedPath = reviewedConfigPath(file.stack);
    const reviewed = existsSync(reviewedPath) ? (JSON.parse(readFileSync(reviewedPath, "utf8")) as Record<string, Entry>) : {};
    const config = platformConfigOfFile(file);
    const merged = mergePackConfigs(
        mergePackConfigs(policyPackConfigFor(config) as Record<string, Entry>, componentExemptionsFor(config)),
        reviewed,
    );
    // A misspelt policy name or a reasonless exemption fails here, not at the next preview.
    parsePackConfig(merged, allPolicies, `policy-pack/config/${file.stack}.json`);
    return merged;
}

export function packConfigText(stack: string): string {
    return `${JSON.stringify(packConfigOfFile(readStackFile(stack)), null, 2)}\n`;
}

/** Stacks whose file is missing or differs from what their stack config generates. */
export function stalePackConfigs(): string[] {
    return listStacks().filter((stack) => {
        const path = packConfigPath(stack);
        return !existsSync(path) || readFileSync(path, "utf8") !== packConfigText(stack);
    });
}

function main(argv: string[]): number {
    if (argv.includes("--check")) {
        const stale = stalePackConfigs();
        if (stale.length === 0) return 0;
        process.stderr.write(`policy-pack/config is out of date for: ${stale.join(", ")}; run \`npm run pack-config\`\n`);
        return 1;
    }
    mkdirSync(PACK_CONFIG_DIR, { recursive: true });
    for (const stack of listStacks()) {
        writeFileSync(packConfigPath(stack), packConfigText(stack));
        process.stdout.write(`wrote policy-pack/config/${stack}.json\n`);
    }
    return 0;
}

if (require.main === module) {
    try {
        process.exit(main(process.argv.slice(2)));
    } catch (error) {
        process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
        process.exit(2);
    }
}
