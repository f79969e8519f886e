// The validated PlatformConfig of a stack file, as the program itself reads it (tools read it without running the program).
import { parsePlatformConfig, PROJECT, type PlatformConfig } from "../../infra/config";
import type { StackFile } from "./stack-file";

function parseValue(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

export function platformConfigOf(file: StackFile): PlatformConfig {
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(file.config)) {
        if (key.startsWith(`${PROJECT}:`)) raw[key.slice(PROJECT.length + 1)] = parseValue(value);
    }
    return parsePlatformConfig(file.stack, raw, file.secretKeys);
}
