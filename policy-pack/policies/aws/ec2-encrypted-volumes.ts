import { z } from "zod";
import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import type { Report } from "../../lib/types";
import { arr, isObj, isUnknown, obj, str, type Obj } from "../../lib/values";

const INSTANCE = "aws:ec2/instance:Instance";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const VOLUME = "aws:ebs/volume:Volume";

/** Launch templates spell `encrypted` as a string in @pulumi/aws 7; instances and volumes as a boolean. */
const isTrue = (value: unknown) => value === true || value === "true";

function judge(volume: Obj, where: string, requireKey: boolean, report: Report): void {
    if (!isTrue(volume.encrypted)) {
        report.violation(`${where} is not encrypted (encrypted is not true)`);
        return;
    }
    // A key ARN not known until apply is another resource's output, a key of the account.
    if (requireKey && !isUnknown(volume.kmsKeyId) && !str(volume.kmsKeyId))
        report.violation(`${where} is encrypted with the AWS managed key aws/ebs, not a customer-managed key (kmsKeyId)`);
}

export const ec2EncryptedVolumes = resourcePolicy({
    name: "aws:ec2-encrypted-volumes",
    description:
        "EBS volumes are encrypted: instance root and data volumes, launch template volumes and standalone volumes, with a customer-managed key where the pack config sets requireCustomerManagedKey.",
    severity: "high",
    enforcementLevel: "advisory",
    remediation:
        'Set encrypted: true (launch templates: ebs.encrypted: "true") and kmsKeyId: <customer-managed key ARN> on every volume, the instance\'s rootBlockDevice included; a launch template needs a blockDeviceMappings entry for its root device.',
    controls: ENCRYPTION_AT_REST,
    config: z.object({
        requireCustomerManagedKey: z
            .boolean()
            .default(false)
            .describe("Require kmsKeyId on every encrypted volume (not the AWS managed key aws/ebs)."),
    }),
    appliesTo: (type) => type === INSTANCE || type === LAUNCH_TEMPLATE || type === VOLUME,
    check(resource, report, config) {
        const p = resource.props;
        const requireKey = config.requireCustomerManagedKey;
        if (resource.type === VOLUME) return judge(p, "the volume", requireKey, report);
        if (resource.type === INSTANCE) {
            // Without rootBlockDevice the root volume comes from the launch template, which is judged where it is
            // declared, or else from the AMI snapshot's (or the account default's) setting.
            if (isObj(p.rootBlockDevice) || p.launchTemplate === undefined)
                judge(obj(p.rootBlockDevice), "rootBlockDevice", requireKey, report);
            arr(p.ebsBlockDevices).forEach((device, i) => judge(obj(device), `ebsBlockDevices[${i}]`, requireKey, report));
            return;
        }
        const mappings = arr(p.blockDeviceMappings).filter((m) => isObj(obj(m).ebs));
        if (mappings.length === 0) {
            report.violation("blockDeviceMappings sets no EBS volume, so the root volume takes the AMI's encryption setting");
            return;
        }
        mappings.forEach((m, i) => judge(obj(obj(m).ebs), `blockDeviceMappings[${i}].ebs`, requireKey, report));
    },
});
