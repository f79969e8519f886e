// AWSGuard 0.3.1's policies and the Analyze handler of its own copy of @pulumi/policy. In a preview
// each pack runs in its own process with its own copy; this module is imported first and then forgets
// its copy, so that the secure-platform pack loads a copy of its own in this process too.
import { sep } from "node:path";

export type AnalyzeHandler = (
    call: { request: unknown },
    done: (error: unknown, response?: { serializeBinary(): Uint8Array }) => void,
) => void;

interface Server {
    makeAnalyzeRpcFun(pack: string, version: string, enforcementLevel: string, policies: unknown[]): AnalyzeHandler;
}

// The areas AWSGuard's index requires to register its policies; each exports its policies too.
const AREAS = ["apiGateway", "compute", "database", "elasticsearch", "network", "security", "storage"];

function load(): { policies: unknown[]; server: Server; version: string } {
    const isPolicy = (v: unknown) =>
        typeof v === "object" && v !== null && "name" in v && ("validateResource" in v || "validateStack" in v);
    const policies = AREAS.flatMap((area) => Object.values(require(`@pulumi/awsguard/${area}`) as object).filter(isPolicy));
    const server = require("@pulumi/policy/server") as Server;
    const version = (require("@pulumi/awsguard/package.json") as { version: string }).version;
    for (const key of Object.keys(require.cache)) if (key.includes(`${sep}@pulumi${sep}policy${sep}`)) delete require.cache[key];
    return { policies, server, version };
}

export const awsGuard = load();

/** AwsGuard's own default level for every policy ("advisory"), as `new AwsGuard()` serves them. */
export const awsGuardHandler: AnalyzeHandler = awsGuard.server.makeAnalyzeRpcFun(
    "pulumi-awsguard",
    awsGuard.version,
    "advisory",
    awsGuard.policies,
);
