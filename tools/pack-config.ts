// `npm run pack-config [-- --check]`: writes policy-pack/config/<stack>.json from each stack's
// config, so the CrossGuard pack's image policies and the cluster's admission policies read one
// allowed-registry list, and the pack expects what the stack promises (log retention, KMS window).
// The files are Pulumi policy pack configs (`--policy-pack-config`); edit the stack files instead.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, parsePlatformConfig, PROJECT, type PlatformConfig } from "../infra/config";
import { listStacks, readStackFile, REPO_ROOT } from "./render/stack-file";

export const PACK_CONFIG_DIR = join(REPO_ROOT, "policy-pack", "config");

/** What the pack's image policy reads: the same shape imageVerdict() takes. */
export interface PackImageConfig {
  allowedRegistries: string[];
  requireDigest: boolean;
}

function parseValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function platformConfigOf(stack: string): PlatformConfig {
  const file = readStackFile(stack);
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(file.config)) {
    if (key.startsWith(`${PROJECT}:`)) raw[key.slice(PROJECT.length + 1)] = parseValue(value);
  }
  return parsePlatformConfig(stack, raw);
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
export function policyPackConfigFor(stack: string): Record<string, unknown> {
  const config = platformConfigOf(stack);
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
  if (config.cluster.mode === "eks") {
    pack["aws:cloudwatch-log-retention"] = { minRetentionDays: config.cluster.logRetentionDays };
    pack["aws:kms-key-rotation"] = { minDeletionWindowDays: config.cluster.kmsDeletionWindowDays };
  }
  return pack;
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

export function packConfigText(stack: string): string {
  const reviewedPath = reviewedConfigPath(stack);
  const reviewed = existsSync(reviewedPath) ? (JSON.parse(readFileSync(reviewedPath, "utf8")) as Record<string, Entry>) : {};
  return `${JSON.stringify(mergePackConfigs(policyPackConfigFor(stack) as Record<string, Entry>, reviewed), null, 2)}\n`;
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
