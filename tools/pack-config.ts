// `npm run pack-config [-- --check]`: writes policy-pack/config/<stack>.json from each stack's
// `secure-platform:admission` config, so the CrossGuard pack's image policy and the cluster's admission
// policies read one allowed-registry list. The files are generated; edit the stack files instead.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, parsePlatformConfig, PROJECT } from "../infra/config";
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

/** The validated admission settings of a stack, as the program itself reads them. */
export function packConfigFor(stack: string): PackImageConfig {
  const file = readStackFile(stack);
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(file.config)) {
    if (key.startsWith(`${PROJECT}:`)) raw[key.slice(PROJECT.length + 1)] = parseValue(value);
  }
  const { admission } = parsePlatformConfig(stack, raw);
  return { allowedRegistries: [...admission.allowedRegistries], requireDigest: admission.requireDigest };
}

export function packConfigPath(stack: string): string {
  return join(PACK_CONFIG_DIR, `${stack}.json`);
}

export function packConfigText(stack: string): string {
  return `${JSON.stringify(packConfigFor(stack), null, 2)}\n`;
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
