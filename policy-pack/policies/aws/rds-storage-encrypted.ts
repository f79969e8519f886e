import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { str } from "../../lib/values";

const INSTANCE = "aws:rds/instance:Instance";
const CLUSTER = "aws:rds/cluster:Cluster";

export const rdsStorageEncrypted = resourcePolicy({
    name: "aws:rds-storage-encrypted",
    description: "RDS instances and clusters encrypt their storage (storageEncrypted: true).",
    severity: "high",
    enforcementLevel: "advisory",
    remediation:
        "Set storageEncrypted: true and kmsKeyId: <customer-managed key ARN>; an existing database is encrypted by restoring an encrypted snapshot copy.",
    controls: ENCRYPTION_AT_REST,
    appliesTo: (type) => type === INSTANCE || type === CLUSTER,
    check(resource, report) {
        const p = resource.props;
        // A read replica has its source's encryption (a cross-region one sets kmsKeyId); the source is judged itself.
        if (resource.type === INSTANCE && p.replicateSourceDb !== undefined) return;
        // Aurora Serverless v1 (engineMode serverless) is always encrypted; every other default is unencrypted.
        if (resource.type === CLUSTER && str(p.engineMode) === "serverless") return;
        if (p.storageEncrypted !== true) report.violation("storageEncrypted is not true (the default is unencrypted storage)");
    },
});
