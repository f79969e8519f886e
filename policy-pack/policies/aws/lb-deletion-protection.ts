import { z } from "zod";
import { RESILIENCE } from "../../lib/controls";
import { LOAD_BALANCER_TYPES } from "../../lib/aws-types";
import { resourcePolicy } from "../../lib/define";

export const lbDeletionProtection = resourcePolicy({
    name: "aws:lb-deletion-protection",
    description:
        "In production stacks, load balancers have deletion protection, so that no API call deletes the entry point and its DNS name; a stack's pack config sets production: false outside production.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation: "Set enableDeletionProtection: true, or set production: false in the pack config of stacks that are not production.",
    controls: RESILIENCE,
    config: z.object({
        // Secure default: a stack is judged as production unless its pack config says it is not.
        production: z.boolean().default(true).describe("Whether the stack is a production stack (false in dev, test and local stacks)."),
    }),
    appliesTo: (type) => LOAD_BALANCER_TYPES.includes(type),
    check(resource, report, config) {
        if (config.production && resource.props.enableDeletionProtection !== true) report.violation("enableDeletionProtection is not true");
    },
});
