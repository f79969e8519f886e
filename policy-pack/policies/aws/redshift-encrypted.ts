import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";

export const redshiftEncrypted = resourcePolicy({
    name: "aws:redshift-encrypted",
    description: "Redshift clusters encrypt their data at rest (encrypted is true by default in @pulumi/aws 7 and must not be turned off).",
    severity: "high",
    enforcementLevel: "advisory",
    remediation: 'Remove encrypted: "false" (or set "true") and set kmsKeyId to a customer-managed key.',
    controls: ENCRYPTION_AT_REST,
    appliesTo: (type) => type === "aws:redshift/cluster:Cluster",
    check(resource, report) {
        // @pulumi/aws 7 types `encrypted` as a string; programs written for 6 pass a boolean.
        const value = resource.props.encrypted;
        if (value === false || (typeof value === "string" && value.trim().toLowerCase() === "false"))
            report.violation("encrypted is false: the cluster stores its data unencrypted");
    },
});
