import { ACCESS_CONTROL } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { arr, isUnknown, strings } from "../../lib/values";

/** A list that names something, or one not known until apply (then the verdict is advisory). */
const names = (value: unknown) => isUnknown(value) || arr(value).length > 0;

const USER_POLICY = "aws:iam/userPolicy:UserPolicy";
const USER_POLICY_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment";
const POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment";
const USER_POLICIES_EXCLUSIVE = "aws:iam/userPoliciesExclusive:UserPoliciesExclusive";
const USER_ATTACHMENTS_EXCLUSIVE = "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive";
const TYPES = [USER_POLICY, USER_POLICY_ATTACHMENT, POLICY_ATTACHMENT, USER_POLICIES_EXCLUSIVE, USER_ATTACHMENTS_EXCLUSIVE];

export const iamNoUserPolicies = resourcePolicy({
    name: "aws:iam-no-user-policies",
    description: "IAM users receive permissions only through groups: no inline or attached policy names a user (CIS AWS 1.15).",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation:
        "Attach the policy to a group (GroupPolicyAttachment) and add the user to it (UserGroupMembership), or use a role that the user assumes.",
    controls: { ...ACCESS_CONTROL, "CIS AWS": ["1.15"] },
    appliesTo: (type) => TYPES.includes(type),
    check(resource, report) {
        const p = resource.props;
        switch (resource.type) {
            case USER_POLICY:
                report.violation("an inline policy is attached directly to a user");
                break;
            case USER_POLICY_ATTACHMENT:
                report.violation("a managed policy is attached directly to a user");
                break;
            case POLICY_ATTACHMENT:
                if (names(p.users))
                    report.violation(`the policy is attached directly to users: ${strings(p.users).join(", ") || "(not known yet)"}`);
                break;
            case USER_POLICIES_EXCLUSIVE:
                if (names(p.policyNames)) report.violation("the user keeps inline policies of its own (policyNames is not empty)");
                break;
            case USER_ATTACHMENTS_EXCLUSIVE:
                if (names(p.policyArns)) report.violation("the user keeps managed policies attached directly (policyArns is not empty)");
                break;
        }
    },
});
