// `npx tsx tools/local-database.ts [--stack local] | kubectl apply -f -`: the manifests of the PostgreSQL the
// stack's Vault connects to on kind (tools/local/database.ts), printed as one YAML stream. The admin password
// is never printed: it comes from the Secret the README's command creates.
import { stringify } from "yaml";
import { platformConfigOf } from "./render/platform-config";
import { readStackFile } from "./render/stack-file";
import { localDatabaseManifests } from "./local/database";

const at = process.argv.indexOf("--stack");
const stack = at >= 0 ? process.argv[at + 1] : "local";
if (!stack) {
    console.error("usage: npx tsx tools/local-database.ts [--stack <stack>]");
    process.exit(2);
}
try {
    const config = platformConfigOf(readStackFile(stack));
    if (config.cluster.mode !== "existing")
        throw new Error(`stack ${stack} builds EKS; the local database is for an existing (kind) cluster`);
    process.stdout.write(
        localDatabaseManifests(config)
            .map((m) => stringify(m, { lineWidth: 0 }))
            .join("---\n"),
    );
} catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
}
