import { z } from "zod";
import { RESILIENCE } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";

export const rdsMultiAz = resourcePolicy({
    name: "aws:rds-multi-az",
    description:
        "In production stacks, RDS instances run Multi-AZ (a standby in another zone); a stack's pack config sets production: false outside production.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation: "Set multiAz: true, or set production: false in the pack config of stacks that are not production.",
    controls: RESILIENCE,
    config: z.object({
        // Secure default: a stack is judged as production unless its pack config says it is not.
        production: z.boolean().default(true).describe("Whether the stack is a production stack (false in dev, test and local stacks)."),
    }),
    appliesTo: (type) => type === "aws:rds/instance:Instance",
    check(resource, report, config) {
        if (config.production && resource.props.multiAz !== true)
            report.violation("multiAz is not true: one zone's outage takes the database down");
    },
});
