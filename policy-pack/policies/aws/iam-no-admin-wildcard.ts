import { ACCESS_CONTROL } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { arr, isObj, obj } from "../../lib/values";

const POLICY_TYPES = [
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
];

function list(value: unknown): string[] {
    return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
}

/** Statements that allow every action on every resource. */
export function adminStatements(policy: unknown): number[] {
    let doc: unknown = policy;
    if (typeof policy === "string") {
        try {
            doc = JSON.parse(policy);
        } catch {
            return [];
        }
    }
    const statement = obj(doc).Statement;
    const statements = Array.isArray(statement) ? statement : [statement];
    const found: number[] = [];
    arr(statements).forEach((s, i) => {
        if (!isObj(s) || s.Effect !== "Allow") return;
        const actions = list(s.Action);
        if ((actions.includes("*") || actions.includes("*:*")) && list(s.Resource).includes("*")) found.push(i);
    });
    return found;
}

export const iamNoAdminWildcard = resourcePolicy({
    name: "aws:iam-no-admin-wildcard",
    description: 'IAM policies do not allow every action on every resource (Action "*" with Resource "*").',
    severity: "critical",
    remediation: "List the actions and resource ARNs the principal needs.",
    controls: { ...ACCESS_CONTROL, "CIS EKS": ["5.1.2"] },
    appliesTo: (type) => POLICY_TYPES.includes(type),
    check(resource, report) {
        for (const i of adminStatements(resource.props.policy)) report.violation(`Statement[${i}] allows "*" on "*"`);
    },
});
