import { ACCESS_CONTROL } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";

const TYPES = [
    "aws:kms/key:Key",
    "aws:kms/replicaKey:ReplicaKey",
    "aws:kms/externalKey:ExternalKey",
    "aws:kms/replicaExternalKey:ReplicaExternalKey",
    "aws:kms/keyPolicy:KeyPolicy",
];

export const kmsNoLockoutBypass = resourcePolicy({
    name: "aws:kms-no-lockout-bypass",
    description:
        "KMS keys and key policies keep the policy lockout safety check: bypassPolicyLockoutSafetyCheck is not true, so a key policy cannot lock every principal out of the key.",
    severity: "high",
    enforcementLevel: "advisory",
    remediation:
        "Remove bypassPolicyLockoutSafetyCheck (or set it to false) and give the key policy a statement that lets the account's administrators manage the key.",
    controls: ACCESS_CONTROL,
    appliesTo: (type) => TYPES.includes(type),
    check(resource, report) {
        if (resource.props.bypassPolicyLockoutSafetyCheck === true)
            report.violation("bypassPolicyLockoutSafetyCheck is true: KMS will accept a key policy that locks the account out of the key");
    },
});
