// IAM and KMS policy documents as plain data, so that tests read them without mocks.

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]>;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

export const document = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

/** Trust policy for a role that an AWS service assumes (eks.amazonaws.com, ec2.amazonaws.com). */
export function serviceTrust(service: string, actions: string[] = ["sts:AssumeRole"]): PolicyDocument {
    return document({ Effect: "Allow", Principal: { Service: service }, Action: actions });
}

/** Trust policy for EKS Pod Identity: the agent tags the session with the pod's namespace and account. */
export function podIdentityTrust(): PolicyDocument {
    return serviceTrust("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]);
}

/** Trust policy for IRSA, bound to one service account in one namespace and the STS audience. */
export function irsaTrust(oidcProviderArn: string, issuerUrl: string, namespace: string, serviceAccount: string): PolicyDocument {
    const issuer = issuerUrl.replace(/^https:\/\//, "");
    return document({
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
            StringEquals: {
                [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                [`${issuer}:aud`]: "sts.amazonaws.com",
            },
        },
    });
}

export interface KeyPolicyArgs {
    partition: string;
    accountId: string;
    region: string;
    /** Lets CloudWatch Logs use the key for log groups of this account and region only. */
    allowCloudWatchLogs?: boolean;
    /**
     * Lets EC2 Auto Scaling use the key for the encrypted EBS volumes of managed node groups: the ARN of
     * its service-linked role, which must exist before the key (KMS refuses a policy naming a principal
     * that does not exist, MalformedPolicyDocumentException).
     */
    autoScalingRoleArn?: string;
}

/**
 * Key policy: the account's IAM policies decide who uses the key (the AWS default), plus the service
 * principals that encrypt on the platform's behalf, each limited to this account.
 */
export function keyPolicy(args: KeyPolicyArgs): PolicyDocument {
    const { partition, accountId, region } = args;
    const statements: PolicyStatement[] = [
        {
            Sid: "AccountIamPolicies",
            Effect: "Allow",
            Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
            Action: "kms:*",
            Resource: "*",
        },
    ];
    if (args.allowCloudWatchLogs) {
        statements.push({
            Sid: "CloudWatchLogs",
            Effect: "Allow",
            Principal: { Service: `logs.${region}.amazonaws.com` },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*` } },
        });
    }
    if (args.autoScalingRoleArn) {
        const autoscaling = args.autoScalingRoleArn;
        statements.push(
            {
                Sid: "AutoScalingVolumes",
                Effect: "Allow",
                Principal: { AWS: autoscaling },
                Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                Resource: "*",
            },
            {
                Sid: "AutoScalingGrants",
                Effect: "Allow",
                Principal: { AWS: autoscaling },
                Action: "kms:CreateGrant",
                Resource: "*",
                Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
            },
        );
    }
    return document(...statements);
}

/**
 * What the EBS CSI driver needs on the volume key, beyond AmazonEBSCSIDriverPolicy: the EKS user guide's
 * policy for a customer key (csi-iam-role.html). The key policy leaves use of the key to IAM policies
 * (AccountIamPolicies), so this role policy is what lets the driver's role use it. Grants only for AWS
 * resources: EC2 creates them for the volume, never the driver for itself.
 */
export function ebsKeyUsage(keyArn: string): PolicyDocument {
    return document(
        {
            Sid: "EbsVolumeGrants",
            Effect: "Allow",
            Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
            Resource: keyArn,
            Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
        },
        {
            Sid: "EbsVolumeEncryption",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            Resource: keyArn,
        },
    );
}
