import { AUDIT_LOGGING } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";

export const cloudtrailMultiRegion = resourcePolicy({
    name: "aws:cloudtrail-multi-region",
    description: "CloudTrail trails record every region (isMultiRegionTrail), so activity in an unused region is seen too.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation: "Set isMultiRegionTrail: true (and includeGlobalServiceEvents: true, the default).",
    controls: { ...AUDIT_LOGGING, "CIS AWS": ["3.1"] },
    appliesTo: (type) => type === "aws:cloudtrail/trail:Trail",
    check(resource, report) {
        if (resource.props.isMultiRegionTrail !== true)
            report.violation("isMultiRegionTrail is not true: the trail records one region only");
    },
});
