import { ConfigError, parsePlatformConfig, PROJECT, type PlatformConfig } from "../../infra/config";
import { readStackFile } from "../../tools/render/stack-file";

type Raw = Record<string, any>;

/** A stack file's `secure-platform:*` config as the program receives it: prefix stripped, JSON parsed, changes applied. */
export function rawStackConfig(stack: string, changes: Raw = {}): Raw {
    const raw: Raw = {};
    for (const [key, value] of Object.entries(readStackFile(stack).config)) {
        if (!key.startsWith(`${PROJECT}:`)) continue;
        const short = key.slice(PROJECT.length + 1);
        try {
            raw[short] = JSON.parse(value);
        } catch {
            raw[short] = value;
        }
    }
    return { ...raw, ...changes };
}

/** The stack's config exactly as the program validates it. */
export function stackConfig(stack: string): PlatformConfig {
    return parsePlatformConfig(stack, rawStackConfig(stack));
}

/** The problems a configuration is rejected with; empty when it is accepted. */
export function configProblems(stack: string, raw: Raw): string[] {
    try {
        parsePlatformConfig(stack, raw);
    } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
    }
    return [];
}
