import { ACCESS_CONTROL } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { obj } from "../../lib/values";

export const imdsv2 = resourcePolicy({
    name: "aws:imdsv2-required",
    description: "Launch templates and instances require IMDSv2 (metadataOptions.httpTokens: required).",
    severity: "high",
    remediation: 'Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } (2 only where pods need IMDS).',
    // CIS EKS has no IMDS control of its own (4.2.1 is privileged containers); the access-control mapping stands.
    controls: ACCESS_CONTROL,
    appliesTo: (type) => type === "aws:ec2/launchTemplate:LaunchTemplate" || type === "aws:ec2/instance:Instance",
    check(resource, report) {
        const options = obj(resource.props.metadataOptions);
        if (options.httpEndpoint === "disabled") return;
        if (options.httpTokens !== "required") report.violation('metadataOptions.httpTokens is not "required" (IMDSv1 allowed)');
    },
});
