import { z } from "zod";
import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { isUnknown, obj, str } from "../../lib/values";

export const dynamodbEncryption = resourcePolicy({
    name: "aws:dynamodb-encryption",
    description:
        "DynamoDB tables encrypt with a KMS key of the account (serverSideEncryption.enabled), a customer-managed one where the pack config sets requireCustomerManagedKey; the default AWS owned key is neither controlled nor audited by the account.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation: "Set serverSideEncryption: { enabled: true, kmsKeyArn: <customer-managed key ARN> }.",
    controls: ENCRYPTION_AT_REST,
    config: z.object({
        requireCustomerManagedKey: z
            .boolean()
            .default(false)
            .describe("Require serverSideEncryption.kmsKeyArn (not the AWS managed key aws/dynamodb)."),
    }),
    appliesTo: (type) => type === "aws:dynamodb/table:Table",
    check(resource, report, config) {
        const sse = obj(resource.props.serverSideEncryption);
        if (sse.enabled !== true) {
            report.violation("serverSideEncryption.enabled is not true: the table is encrypted with an AWS owned key only");
            return;
        }
        // A key ARN not known until apply is another resource's output, a key of the account.
        if (config.requireCustomerManagedKey && !isUnknown(sse.kmsKeyArn) && !str(sse.kmsKeyArn))
            report.violation("serverSideEncryption.kmsKeyArn is not set: the table uses the AWS managed key aws/dynamodb");
    },
});
