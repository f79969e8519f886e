import type * as aws from "@pulumi/aws";
import { iamNoUserPolicies } from "../../../../policy-pack/policies/aws/iam-no-user-policies";
import { iamPasswordPolicy } from "../../../../policy-pack/policies/aws/iam-password-policy";
import { UNKNOWN_STRING } from "../../../../policy-pack/lib/values";
import { check, expectNone, expectViolations } from "../../helpers";
import { strict as assert } from "node:assert";

describe("aws IAM policies", () => {
    const passwordPolicy = (props: aws.iam.AccountPasswordPolicyArgs) => ({
        type: "aws:iam/accountPasswordPolicy:AccountPasswordPolicy",
        name: "pp",
        props,
    });

    it("aws:iam-password-policy: length >= 14 and reuse prevention 24 (CIS AWS 1.8, 1.9)", async () => {
        const strong: aws.iam.AccountPasswordPolicyArgs = {
            minimumPasswordLength: 14,
            passwordReusePrevention: 24,
            requireSymbols: true,
            allowUsersToChangePassword: true,
        };
        expectNone(await check(iamPasswordPolicy, passwordPolicy(strong)));
        expectViolations(
            await check(iamPasswordPolicy, passwordPolicy({ ...strong, minimumPasswordLength: 12 })),
            /minimumPasswordLength 12 is below 14/,
        );
        expectViolations(
            await check(iamPasswordPolicy, passwordPolicy({ ...strong, passwordReusePrevention: 5 })),
            /passwordReusePrevention 5 is below 24/,
        );
        expectViolations(await check(iamPasswordPolicy, passwordPolicy({ requireNumbers: true })), /minimumPasswordLength 6 is below 14/);
        expectViolations(
            await check(iamPasswordPolicy, passwordPolicy({ minimumPasswordLength: 14 })),
            /passwordReusePrevention is not set/,
        );
        expectViolations(await check(iamPasswordPolicy, passwordPolicy(strong), { minimumPasswordLength: 20 }), /below 20/);
    });

    it("aws:iam-no-user-policies: no policy attached directly to a user (CIS AWS 1.15)", async () => {
        const document = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] });
        const userPolicy: aws.iam.UserPolicyArgs = { user: "alice", policy: document };
        const userAttachment: aws.iam.UserPolicyAttachmentArgs = { user: "alice", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" };
        expectViolations(
            await check(iamNoUserPolicies, { type: "aws:iam/userPolicy:UserPolicy", name: "p", props: userPolicy }),
            /inline policy/,
        );
        expectViolations(
            await check(iamNoUserPolicies, { type: "aws:iam/userPolicyAttachment:UserPolicyAttachment", name: "a", props: userAttachment }),
            /managed policy is attached directly/,
        );
        const attachment = (props: aws.iam.PolicyAttachmentArgs) => ({
            type: "aws:iam/policyAttachment:PolicyAttachment",
            name: "pa",
            props,
        });
        expectNone(
            await check(
                iamNoUserPolicies,
                attachment({ policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", groups: ["readers"], roles: ["ci"] }),
            ),
        );
        expectViolations(
            await check(iamNoUserPolicies, attachment({ policyArn: "arn:p", users: ["alice"] })),
            /attached directly to users: alice/,
        );
        const exclusive = (props: aws.iam.UserPolicyAttachmentsExclusiveArgs) => ({
            type: "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
            name: "x",
            props,
        });
        expectNone(await check(iamNoUserPolicies, exclusive({ userName: "alice", policyArns: [] })));
        expectViolations(
            await check(iamNoUserPolicies, exclusive({ userName: "alice", policyArns: ["arn:p"] })),
            /policyArns is not empty/,
        );
        const inlineExclusive = (props: aws.iam.UserPoliciesExclusiveArgs) => ({
            type: "aws:iam/userPoliciesExclusive:UserPoliciesExclusive",
            name: "x",
            props,
        });
        expectNone(await check(iamNoUserPolicies, inlineExclusive({ userName: "alice", policyNames: [] })));
        expectViolations(
            await check(iamNoUserPolicies, inlineExclusive({ userName: "alice", policyNames: ["inline"] })),
            /policyNames is not empty/,
        );
        // A list of users not known at preview is reported, and the verdict says it rests on the unknown.
        const unknown = await check(iamNoUserPolicies, attachment({ policyArn: "arn:p", users: UNKNOWN_STRING as unknown as string[] }));
        expectViolations(unknown, /not known yet/);
        assert.ok(unknown.unknownPaths.includes("users"), unknown.unknownPaths.join(", "));
        // Group and role attachments are not this policy's business.
        expectNone(
            await check(iamNoUserPolicies, {
                type: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
                name: "g",
                props: { group: "g", policyArn: "arn:p" },
            }),
        );
    });
});
