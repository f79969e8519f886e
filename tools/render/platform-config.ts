// The validated PlatformConfig of a stack file, as the program itself reads it (tools read it without running the program).
import { parseStackConfig, PROJECT, type PlatformConfig } from "../../infra/config";
import type { StackFile } from "./stack-file";

/** Offline the stack file says exactly where each secret is, so errors show every value that is not one. */
export function platformConfigOf(file: StackFile): PlatformConfig {
    const prefix = `${PROJECT}:`;
    const paths = file.secretPaths
        .filter((path) => String(path[0]).startsWith(prefix))
        .map(([key, ...rest]) => [String(key).slice(prefix.length), ...rest]);
    return parseStackConfig(file.stack, file.config, {
        keys: file.secretKeys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)),
        paths,
    });
}
